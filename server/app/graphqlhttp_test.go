package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type httpAnswer struct {
	status int
	header http.Header
	body   map[string]json.RawMessage
	raw    string
}

func (a httpAnswer) code() string {
	var errs []gqlError
	_ = json.Unmarshal(a.body["errors"], &errs)
	if len(errs) == 0 {
		return ""
	}
	c, _ := errs[0].Extensions["code"].(string)
	return c
}

// send makes a raw /graphql request with c's credentials.
func (c *client) send(method, accept, contentType, body string, query url.Values) httpAnswer {
	c.t.Helper()
	u := c.s.srv.URL + "/graphql"
	if query != nil {
		u += "?" + query.Encode()
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := httpAnswer{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

const (
	graphQLResponse = "application/graphql-response+json"
	plainJSON       = "application/json"
)

// /graphql follows the GraphQL-over-HTTP specification, SHOULDs included: the media
// type negotiated from Accept (graphql-response+json preferred), request errors without
// a data entry, 4xx with graphql-response+json and 200 with application/json; a mutation
// over GET is 405 with Allow: POST; another Content-Type is 415; the refusals of
// authentication in the negotiated media type, an invalid key named as invalid_token.
func TestGraphQLOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for accept, want := range map[string]string{
			"":                                 plainJSON,
			"*/*":                              plainJSON,
			plainJSON:                          plainJSON,
			graphQLResponse:                    graphQLResponse,
			graphQLResponse + ", " + plainJSON: graphQLResponse,
			plainJSON + ", " + graphQLResponse: graphQLResponse, // the same quality: preferred
			plainJSON + ";q=0.9, " + graphQLResponse + ";q=0.8": plainJSON,
			"text/html, " + graphQLResponse + ";q=0.1":          graphQLResponse,
		} {
			a := admin.send(http.MethodPost, accept, plainJSON, `{"query":"{ viewer { name } }"}`, nil)
			if a.status != http.StatusOK || a.header.Get("Content-Type") != want || a.body["data"] == nil {
				t.Errorf("Accept %q: HTTP %d %s %s, want 200 %s with data", accept, a.status, a.header.Get("Content-Type"), a.raw, want)
			}
		}

		requestErrors := map[string]string{
			"does not parse":          `{"query":"{ viewer { "}`,
			"does not validate":       `{"query":"{ nope }"}`,
			"variables do not coerce": `{"query":"query($n: Int!) { apiKeys(first: $n) { edges { node { id } } } }","variables":{"n":"ten"}}`,
		}
		for what, body := range requestErrors {
			for accept, status := range map[string]int{graphQLResponse: http.StatusBadRequest, plainJSON: http.StatusOK} {
				a := admin.send(http.MethodPost, accept, plainJSON, body, nil)
				if _, has := a.body["data"]; a.status != status || has || a.body["errors"] == nil || a.header.Get("Content-Type") != accept {
					t.Errorf("a document that %s, Accept %s: HTTP %d %s %s, want %d, errors and no data", what, accept, a.status, a.header.Get("Content-Type"), a.raw, status)
				}
			}
		}
		// A field error is not a request error: data is there, 200 either way.
		a := admin.send(http.MethodPost, graphQLResponse, plainJSON, `{"query":"{ node(id: \"key_nope\") { id } }"}`, nil)
		if _, has := a.body["data"]; a.status != http.StatusOK || !has {
			t.Errorf("a query that executes: HTTP %d %s", a.status, a.raw)
		}

		a = admin.send(http.MethodGet, graphQLResponse, "", "", url.Values{"query": {`mutation { revokeAPIKey(input: {id: "key_x"}) { apiKey { id } } }`}})
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" || a.body["errors"] == nil {
			t.Errorf("a mutation over GET: HTTP %d Allow %q %s", a.status, a.header.Get("Allow"), a.raw)
		}
		if a := admin.send(http.MethodGet, graphQLResponse, "", "", url.Values{"query": {`{ viewer { name } }`}}); a.status != http.StatusOK || a.body["data"] == nil {
			t.Errorf("a query over GET: HTTP %d %s", a.status, a.raw)
		}
		a = admin.send(http.MethodPut, "", plainJSON, `{"query":"{ viewer { name } }"}`, nil)
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET, POST" {
			t.Errorf("PUT: HTTP %d Allow %q", a.status, a.header.Get("Allow"))
		}
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
			a := admin.send(http.MethodPost, graphQLResponse, ct, `{"query":"{ viewer { name } }"}`, nil)
			if a.status != http.StatusUnsupportedMediaType || a.header.Get("Content-Type") != graphQLResponse || a.code() == "" {
				t.Errorf("POST with Content-Type %q: HTTP %d %s %s", ct, a.status, a.header.Get("Content-Type"), a.raw)
			}
		}
		for _, accept := range []string{graphQLResponse, plainJSON} {
			a := admin.send(http.MethodPost, accept, plainJSON, `{"query": "{ viewer { name } }"`, nil)
			if _, has := a.body["data"]; a.status != http.StatusBadRequest || has || a.body["errors"] == nil || a.header.Get("Content-Type") != accept {
				t.Errorf("a body that is not JSON, Accept %s: HTTP %d %s %s", accept, a.status, a.header.Get("Content-Type"), a.raw)
			}
		}
		if a := admin.send(http.MethodPost, graphQLResponse, "application/json; charset=utf-8", `{"query":"{ viewer { name } }"}`, nil); a.status != http.StatusOK {
			t.Errorf("application/json with a charset: HTTP %d", a.status)
		}

		// Authentication's refusals.
		a = s.browser().send(http.MethodPost, graphQLResponse, plainJSON, `{"query":"{ viewer { name } }"}`, nil)
		if _, has := a.body["data"]; a.status != http.StatusUnauthorized || has || a.code() != "UNAUTHENTICATED" || a.header.Get("Content-Type") != graphQLResponse ||
			a.header.Get("WWW-Authenticate") != `Bearer realm="apikeys"` {
			t.Errorf("no credentials: HTTP %d %v %s", a.status, a.header, a.raw)
		}
		a = s.integration("gak_not_a_key").send(http.MethodPost, plainJSON, plainJSON, `{"query":"{ viewer { name } }"}`, nil)
		if a.status != http.StatusUnauthorized || a.code() != "UNAUTHENTICATED" || a.header.Get("Content-Type") != plainJSON ||
			!strings.Contains(a.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("an invalid key: HTTP %d %v %s", a.status, a.header, a.raw)
		}
	})
}

// An empty cursor (what genqlient sends for "none"), in a variable or written as "", is
// the first page; a cursor that is not one is BAD_USER_INPUT on its field.
func TestAnEmptyCursorIsTheFirstPage(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		admin.createKey("First", "VIEWER")
		var out struct {
			APIKeys struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
		for _, v := range []map[string]any{{"after": ""}, {"before": "", "after": nil}} {
			admin.must(&out, `query($after: Cursor, $before: Cursor) { apiKeys(first: 10, after: $after, before: $before) { edges { node { name } } } }`, v)
			if len(out.APIKeys.Edges) != 1 {
				t.Fatalf("%v: %+v", v, out)
			}
		}
		// Written in the document, in a field or a fragment, twice (the second time from
		// the cache of parsed documents, which must not have lost the argument's place).
		for _, q := range []string{
			`{ apiKeys(first: 10, after: "") { edges { node { name } } } }`,
			`{ ...page } fragment page on Query { apiKeys(first: 10, before: "", search: "Fir") { edges { node { name } } } }`,
			`{ apiKeys(first: 10, after: "") { edges { node { name } } } }`,
		} {
			var out struct {
				APIKeys struct {
					Edges []struct{ Node struct{ Name string } }
				}
			}
			admin.must(&out, q, nil)
			if len(out.APIKeys.Edges) != 1 {
				t.Fatalf("%s: %+v", q, out)
			}
		}
		var entries struct {
			AuditEntries struct {
				Edges []struct{ Node struct{ Action string } }
			}
		}
		admin.must(&entries, `{ auditEntries(after: "", first: 1) { edges { node { action } } } }`, nil)
		if len(entries.AuditEntries.Edges) != 1 {
			t.Fatalf("auditEntries(after: \"\"): %+v", entries)
		}
		r := admin.gql(`query($c: Cursor) { apiKeys(first: 10, after: $c) { edges { node { name } } } }`, map[string]any{"c": "bm90IGEgY3Vyc29y"})
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "after" || strings.Contains(r.Errors[0].Message, "EOF") {
			t.Fatalf("a bad cursor: %s", r.Body)
		}
	})
}

// Over HTTP a response is one JSON document, so a field marked @defer arrives in it with
// the rest: with its value, and without the hasNext of an incremental delivery no
// transport here sends.
func TestDeferredFieldsArriveInline(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		admin.createKey("Billing export", "VIEWER")
		a := admin.send(http.MethodPost, graphQLResponse, plainJSON,
			`{"query":"{ viewer { name } apiKeys(first: 10) { edges { node { name ... @defer(label: \"who\") { createdByKind createdByName maskedKey } } } } }"}`, nil)
		var data struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ Name, CreatedByKind, CreatedByName, MaskedKey string }
				}
			}
		}
		_ = json.Unmarshal(a.body["data"], &data)
		if a.status != http.StatusOK || a.body["errors"] != nil || a.body["hasNext"] != nil || len(data.APIKeys.Edges) != 1 {
			t.Fatalf("HTTP %d %s", a.status, a.raw)
		}
		if n := data.APIKeys.Edges[0].Node; n.CreatedByKind != "USER" || n.CreatedByName == "" || !strings.HasPrefix(n.MaskedKey, "gak_…") {
			t.Errorf("the deferred fields: %+v", n)
		}
	})
}
