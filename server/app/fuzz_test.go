package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"apikeys/server/app"
	"apikeys/server/testdb"
)

// Whatever body a signed-in client posts to /graphql, the server answers with JSON and
// never with a 5xx or a panic.
func FuzzGraphQLRequest(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ viewer { name } }"}`,
		`{"query":"mutation($n:String!){ createAPIKey(input:{name:$n}) { secret } }","variables":{"n":"fz"}}`,
		`{"query":"{ apiKeys(first: 5) { edges { node { id } } } }","variables":null}`,
		`[{"query":"{ viewer { name } }"},{"query":"{ viewer { id } }"}]`,
		`{"query":"{ node(id: \"key_x\") { id } }"}`,
		`{"query":"query($id: ID!){ node(id: $id) { id } }","variables":{"id":5}}`,
		`{"query":"{ apiKeys(after: \"not a cursor\") { totalCount } }"}`,
		`{"query":"{ auditEntries(where: {createdAtGTE: \"yesterday\"}) { totalCount } }"}`,
		`{"query": 42}`, `{"query":"{"}`, `null`, `{}`, `"x"`, ``, "\x00\xff", `{"query":"{ viewer { name } }","operationName":"Nope"}`,
		`{"query":"{ __schema { types { name } } }"}`,
	} {
		f.Add([]byte(seed))
	}
	s := newServer(f, app.Config{DatabaseURL: testdb.SQLite(f)})
	admin := s.newTenant("Fuzz Co").admin
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := admin.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("HTTP %d for %q: %s", res.StatusCode, body, raw)
		}
		if !json.Valid(raw) {
			t.Fatalf("not JSON for %q: %s", body, raw)
		}
		if bytes.Contains(raw, []byte(`"INTERNAL"`)) {
			t.Fatalf("an internal error for %q: %s", body, raw)
		}
	})
}
