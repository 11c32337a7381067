package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"apikeys/ent"
	"apikeys/ent/schema/pulid"
	"apikeys/graph"
)

// What a client sends is bounded before any resolver or statement runs (graph.InputLimits):
// values nested more than 10 deep, lists of more than 100 items, arguments of more than
// 1,000 values, NUL bytes and cursors that do not fit the list's order are BAD_USER_INPUT,
// never INTERNAL, and never an error in the server's log.

// refused asserts that r is a BAD_USER_INPUT naming field (when given), and that the
// server logged no error since mark (the length of its log before the request).
func (s *server) refused(t *testing.T, what string, r *response, field string, mark int) {
	t.Helper()
	if r.code() != graph.CodeBadUserInput || len(r.Data) > 0 && string(r.Data) != "null" {
		t.Errorf("%s: HTTP %d %.300s, want BAD_USER_INPUT and no data", what, r.Status, r.Body)
	} else if got, _ := r.Errors[0].Extensions["field"].(string); field != "" && got != field {
		t.Errorf("%s: field %q, want %q: %.300s", what, got, field, r.Body)
	}
	s.noErrorLogged(t, what, mark)
}

func (s *server) noErrorLogged(t *testing.T, what string, mark int) {
	t.Helper()
	if logged := s.log.String()[mark:]; strings.Contains(logged, "level=ERROR") {
		t.Errorf("%s: the server logged an error:\n%.1000s", what, logged)
	}
}

// measured runs a request three times and returns the best time and allocation.
func measured(do func() *response) (*response, time.Duration, uint64) {
	var r *response
	best, least := time.Duration(1<<62), uint64(1<<62)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		r = do()
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		best, least = min(best, took), min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return r, best, least
}

// nested returns a where input of depth objects: {not: {not: ... {id: "x"}}}, as a
// GraphQL literal and as JSON.
func nested(depth int) (literal string, variable json.RawMessage) {
	literal = strings.Repeat("{not: ", depth-1) + `{id: "x"}` + strings.Repeat("}", depth-1)
	variable = json.RawMessage(strings.Repeat(`{"not":`, depth-1) + `{"id":"x"}` + strings.Repeat("}", depth-1))
	return literal, variable
}

const keysWhere = `query($where: APIKeyWhereInput) { apiKeys(where: $where) { totalCount } }`

// The review's request: a 72 KB body with not nested 9,000 deep took 1.6 s and ~500 MB,
// then answered INTERNAL. Now it is refused before gqlparser reads it.
func TestDeeplyNestedInputIsRefusedAtOnce(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		admin.must(nil, `{ viewer { name } }`, nil)
		lit, v := nested(9000)
		for _, c := range []struct {
			name  string
			query string
			vars  map[string]any
		}{
			{"a literal", `{ apiKeys(where: ` + lit + `) { totalCount } }`, nil},
			{"a variable", keysWhere, map[string]any{"where": v}},
		} {
			mark := s.log.Len()
			r, took, alloc := measured(func() *response {
				return admin.post("/graphql", map[string]any{"query": c.query, "variables": c.vars})
			})
			t.Logf("not nested 9,000 deep as %s: %v, %.1f MB allocated", c.name, took, float64(alloc)/(1<<20))
			s.refused(t, c.name, r, "", mark)
			if took > 100*time.Millisecond || alloc > 32<<20 {
				t.Errorf("%s: %v and %d MB, want under 100 ms and 32 MB", c.name, took, alloc>>20)
			}
		}
		// A selection nested as deep (inline fragments) is refused as fast, as too deep.
		sel := `{ ` + strings.Repeat("... { ", 9000) + "viewer { name }" + strings.Repeat(" }", 9000) + " }"
		r, took, _ := measured(func() *response { return admin.gql(sel, nil) })
		if r.code() != "DEPTH_LIMIT_EXCEEDED" || took > 100*time.Millisecond {
			t.Errorf("9,000 nested inline fragments: %v, %.300s", took, r.Body)
		}
	})
}

// Values nest at most 10 deep (objects and lists), however they are sent.
func TestInputNestingLimit(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		ten, tenVar := nested(10)
		admin.must(nil, `{ apiKeys(where: `+ten+`) { totalCount } }`, nil)
		admin.must(nil, keysWhere, map[string]any{"where": tenVar})
		eleven, elevenVar := nested(11)
		mark := s.log.Len()
		s.refused(t, "11 deep, literal", admin.gql(`{ apiKeys(where: `+eleven+`) { totalCount } }`, nil), "where", mark)
		s.refused(t, "11 deep, variable", admin.gql(keysWhere, map[string]any{"where": elevenVar}), "where", mark)
		// A variable inside a literal adds up.
		s.refused(t, "10 deep inside a literal", admin.gql(`query($w: APIKeyWhereInput!) { apiKeys(where: {not: $w}) { totalCount } }`,
			map[string]any{"w": tenVar}), "where", mark)
		// So does a variable's default value, and a fragment's argument.
		s.refused(t, "a default value", admin.gql(`query($w: APIKeyWhereInput = `+eleven+`) { apiKeys(where: $w) { totalCount } }`, nil), "where", mark)
		s.refused(t, "in a fragment", admin.gql(`query { ...F } fragment F on Query { apiKeys(where: `+eleven+`) { totalCount } }`, nil), "where", mark)
		// Lists count as levels.
		list := `{and: [{or: [{and: [{or: [{and: [{id: "x"}]}]}]}]}]}` // 11 levels
		s.refused(t, "lists of lists", admin.gql(`{ apiKeys(where: `+list+`) { totalCount } }`, nil), "where", mark)
	})
}

// Lists hold at most 100 items (the page size cap) and an argument at most 1,000 values:
// SQLite takes at most 32,766 parameters a statement, PostgreSQL 65,535.
func TestLongInputListsAreRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		ids := func(n int) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = fmt.Sprintf("key_%d", i)
			}
			return out
		}
		admin.must(nil, keysWhere, map[string]any{"where": map[string]any{"idIn": ids(100)}})
		idList := func(n int) string { b, _ := json.Marshal(ids(n)); return string(b) }
		ors := make([]any, 20_000)
		for i := range ors {
			ors[i] = map[string]any{"id": "k"}
		}
		wide := make([]any, 100) // 100 × 100 × 7 ids: every list is short, the whole is 70,000
		for i := range wide {
			inner := make([]any, 100)
			for j := range inner {
				inner[j] = map[string]any{"idIn": []string{"a", "b", "c", "d", "e", "f", "g"}}
			}
			wide[i] = map[string]any{"or": inner}
		}
		for _, c := range []struct {
			name, query string
			vars        map[string]any
			field       string
		}{
			{"idIn of 101, literal", `{ apiKeys(where: {idIn: ` + idList(101) + `}) { totalCount } }`, nil, "where"},
			{"idIn of 101, variable", keysWhere, map[string]any{"where": map[string]any{"idIn": ids(101)}}, "where"},
			{"idIn of 70,000, literal", `{ apiKeys(where: {idIn: [` + strings.Repeat(`"k",`, 70_000) + `]}) { totalCount } }`, nil, "where"},
			{"idIn of 150,000, variable", keysWhere, map[string]any{"where": map[string]any{"idIn": slices.Repeat([]string{"k"}, 150_000)}}, "where"},
			{"or of 20,000", keysWhere, map[string]any{"where": map[string]any{"or": ors}}, "where"},
			{"or of or of idIn: 70,000 ids", keysWhere, map[string]any{"where": map[string]any{"or": wide}}, "where"},
			{"nodes of 101", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(101)}, "ids"},
		} {
			mark := s.log.Len()
			start := time.Now()
			r := admin.gql(c.query, c.vars)
			t.Logf("%s: %v", c.name, time.Since(start))
			s.refused(t, c.name, r, c.field, mark)
		}
	})
}

// cursor makes a cursor the way entgql does, with any id and value.
func cursor(id string, value any) string {
	var b strings.Builder
	ent.Cursor{ID: pulid.ID(id), Value: value}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// A cursor is base64 msgpack, and a client can make one with any value: a value that is
// not of the type of the list's order (a time for CREATED_AT) is BAD_USER_INPUT.
func TestHandMadeCursorsAreBadInput(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		admin.createKey("One", "VIEWER")
		two := admin.createKey("Two", "VIEWER")
		var page struct {
			APIKeys struct{ PageInfo struct{ EndCursor string } }
		}
		admin.must(&page, `{ apiKeys(first: 1) { edges { cursor } pageInfo { endCursor } } }`, nil)
		// Cursors that fit: a real one, an id alone, a time.
		for _, c := range []string{page.APIKeys.PageInfo.EndCursor, cursor(two.ID, nil), cursor(two.ID, time.Now())} {
			admin.must(nil, `query($c: Cursor) { a: apiKeys(after: $c) { totalCount } b: apiKeys(before: $c) { totalCount } }`, map[string]any{"c": c})
		}
		admin.must(nil, `query($c: Cursor) { apiKeys(after: $c, orderBy: {field: REVOKED_AT}) { totalCount } }`, map[string]any{"c": cursor(two.ID, time.Now())})

		bad := map[string]string{
			"a map":                     cursor(two.ID, map[string]any{"a": 1}),
			"an array":                  cursor(two.ID, []any{1, "x"}),
			"a string":                  cursor(two.ID, "2026-01-02T03:04:05Z"),
			"a string that is no time":  cursor(two.ID, "yesterday"),
			"a number":                  cursor(two.ID, 42),
			"a boolean":                 cursor(two.ID, true),
			"a time after 9999":         cursor(two.ID, time.Date(300_000, 1, 1, 0, 0, 0, 0, time.UTC)),
			"a time before 1 AD":        cursor(two.ID, time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC)),
			"an id with a NUL":          cursor("key_\x00", nil),
			"an id that is not UTF-8":   cursor("key_\xff\xfe", time.Now()),
			"a value that is not UTF-8": cursor(two.ID, "\xff"),
			"not base64":                "not a cursor",
		}
		for what, c := range bad {
			mark := s.log.Len()
			for _, q := range []struct{ query, field string }{
				{`query($c: Cursor) { apiKeys(after: $c) { totalCount edges { cursor } } }`, "after"},
				{`query($c: Cursor) { apiKeys(before: $c, last: 5) { totalCount edges { cursor } } }`, "before"},
				{`query($c: Cursor) { apiKeys(after: $c, orderBy: {field: LAST_USED_AT, direction: DESC}) { edges { cursor } } }`, "after"},
				{`query($c: Cursor) { auditEntries(after: $c) { edges { cursor } } }`, "after"},
				{`query($c: Cursor) { users(before: $c, last: 5) { edges { cursor } } }`, "before"},
			} {
				s.refused(t, what+" in "+q.query, admin.gql(q.query, map[string]any{"c": c}), q.field, mark)
			}
			// Written into the document too.
			lit := fmt.Sprintf(`{ apiKeys(after: %q) { edges { cursor } } }`, c)
			s.refused(t, what+" (literal)", admin.gql(lit, nil), "after", mark)
		}
	})
}

// PostgreSQL refuses NUL bytes in text: a string with one is refused in every argument.
func TestNULBytesAreBadInput(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for _, c := range []struct {
			name, query string
			vars        map[string]any
			field       string
		}{
			{"users nameContains, literal", `{ users(where: {nameContains: "a\u0000b"}) { totalCount } }`, nil, "where"},
			{"users nameContains, variable", `query($w: UserWhereInput) { users(where: $w) { totalCount } }`,
				map[string]any{"w": map[string]any{"nameContains": "a\x00b"}}, "where"},
			{"audit targetNameContains", `query($s: String) { auditEntries(where: {or: [{targetNameContains: $s}]}) { totalCount } }`,
				map[string]any{"s": "\x00"}, "where"},
			{"an id", `{ node(id: "key_\u0000") { id } }`, nil, "id"},
			{"a key's name", `mutation($n: String!) { createAPIKey(input: {name: $n}) { secret } }`, map[string]any{"n": "CI\x00"}, "name"},
			{"a person's email", `mutation { createUser(input: {name: "N", email: "n\u0000@example.com", password: "correct horse battery"}) { user { id } } }`, nil, "email"},
		} {
			mark := s.log.Len()
			s.refused(t, c.name, admin.gql(c.query, c.vars), c.field, mark)
		}
		if got := admin.counts(); got != (counts{}) {
			t.Errorf("counts = %+v: a key was created", got)
		}
		// Other control characters are no trouble to the database: searching finds nothing.
		admin.must(nil, `{ users(where: {nameContains: "a\u0001b"}) { totalCount } }`, nil)
	})
}

// RFC 3339 allows time zone offsets up to ±23:59, PostgreSQL up to ±15:59: a Time beyond
// is refused wherever it is, while a string that only looks like one is no time.
func TestTimesPostgreSQLRefusesAreBadInput(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		const far = "0001-01-01T00:00:00+23:59"
		for _, c := range []struct {
			name, query string
			vars        map[string]any
		}{
			{"a literal", `{ apiKeys(where: {createdAtGTE: "` + far + `"}) { totalCount edges { cursor } } }`, nil},
			{"a variable", `query($t: Time!) { apiKeys(where: {createdAtGTE: $t}) { totalCount } }`, map[string]any{"t": far}},
			{"in a list", `query($w: AuditEntryWhereInput) { auditEntries(where: $w) { totalCount } }`,
				map[string]any{"w": map[string]any{"or": []any{map[string]any{"createdAtIn": []string{"9999-12-31T23:59:59-23:59"}}}}}},
		} {
			mark := s.log.Len()
			s.refused(t, c.name, admin.gql(c.query, c.vars), "where", mark)
		}
		admin.must(nil, `{ apiKeys(where: {createdAtGTE: "2026-01-01T00:00:00+14:00"}) { totalCount } }`, nil)
		admin.must(nil, `{ users(where: {nameContains: "`+far+`"}) { totalCount } }`, nil)
	})
}

// The frontend's operations (frontend/src/gql/gql.ts, generated from the .tsx files)
// pass every limit, with the largest page the API gives.
func TestFrontendOperationsPassTheLimits(t *testing.T) {
	src, err := os.ReadFile("../../frontend/src/gql/gql.ts")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{} // operation or fragment name → document
	var ops []string
	for _, m := range regexp.MustCompile(`(?m)^\s+("(?:[^"\\]|\\.)*"): typeof types\.\w+,$`).FindAllStringSubmatch(string(src), -1) {
		var doc string
		if err := json.Unmarshal([]byte(m[1]), &doc); err != nil {
			t.Fatal(err)
		}
		words := strings.Fields(doc)
		kind, name := words[0], words[1]
		name, _, _ = strings.Cut(name, "(")
		docs[name] = doc
		if kind != "fragment" {
			ops = append(ops, name)
		}
	}
	if len(ops) < 5 {
		t.Fatalf("found only %v in gql.ts", ops)
	}
	spread := regexp.MustCompile(`\.\.\.\s*([_A-Za-z]\w*)`)
	withFragments := func(op string) string {
		out, seen := docs[op], map[string]bool{}
		for i := 0; i < 10; i++ {
			for _, m := range spread.FindAllStringSubmatch(out, -1) {
				if !seen[m[1]] && m[1] != "on" {
					seen[m[1]] = true
					out += docs[m[1]]
				}
			}
		}
		return out
	}
	es := graph.NewExecutableSchema(graph.Config{Complexity: graph.Complexity()})
	cost := func(t *testing.T, doc string, vars map[string]any) int {
		q, errs := gqlparser.LoadQueryWithRules(es.Schema(), doc, nil)
		if errs != nil {
			t.Fatal(errs)
		}
		var decoded map[string]any // as the server gets them
		b, _ := json.Marshal(vars)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		_ = dec.Decode(&decoded)
		coerced, err := validator.VariableValues(es.Schema(), q.Operations[0], decoded)
		if err != nil {
			t.Fatal(err)
		}
		return complexity.Calculate(context.Background(), es, q.Operations[0], coerced)
	}

	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		var state struct{ keyID, userID string }
		// The variables each operation is sent with, in the order they run.
		fixtures := []struct {
			op   string
			vars func() map[string]any
			save func(json.RawMessage)
		}{
			{op: "Viewer"},
			{op: "ApiKeyCounts"},
			{op: "ApiKeyEvents"}, // a subscription: over WebSocket, told of the next key created
			{op: "CreateApiKey", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"name": "Frontend", "role": "VIEWER"}}
			}, save: func(d json.RawMessage) {
				var out struct {
					CreateAPIKey struct{ APIKey struct{ ID string } }
				}
				_ = json.Unmarshal(d, &out)
				state.keyID = out.CreateAPIKey.APIKey.ID
			}},
			{op: "ApiKeys", vars: func() map[string]any {
				return map[string]any{"status": "ACTIVE", "first": 100, "where": map[string]any{"hasServiceAccountWith": []any{map[string]any{"nameContainsFold": "front"}}}}
			}},
			{op: "ExpiringApiKeyCount", vars: func() map[string]any {
				return map[string]any{"by": time.Now().AddDate(0, 0, 7).UTC().Format(time.RFC3339)}
			}},
			{op: "KeyPolicy"},
			{op: "UpdateKeyPolicy", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"maxLifetimeDays": 365, "requireExpiry": false}}
			}},
			{op: "RenameApiKey", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"id": state.keyID, "name": "Frontend (renamed)"}}
			}},
			{op: "RotateApiKey", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"id": state.keyID, "previousKeyExpiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}
			}, save: func(d json.RawMessage) {
				var out struct {
					RotateAPIKey struct{ APIKey struct{ ID string } }
				}
				_ = json.Unmarshal(d, &out)
				state.keyID = out.RotateAPIKey.APIKey.ID
			}},
			{op: "KeyDetails", vars: func() map[string]any { return map[string]any{"id": state.keyID} }},
			{op: "UpdateAllowedNetworks", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"id": state.keyID, "allowedNetworks": []string{"203.0.113.0/24", "2001:db8::/32"}}}
			}},
			{op: "RevokeApiKey", vars: func() map[string]any { return map[string]any{"input": map[string]any{"id": state.keyID}} }},
			{op: "AuditTrail", vars: func() map[string]any {
				return map[string]any{"first": 100, "where": map[string]any{
					"actionIn": []string{"API_KEY_CREATED", "API_KEY_REVOKED"}, "actorID": "usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X", "targetID": state.keyID,
					"createdAtGTE": "2026-12-01T00:00:00Z", "createdAtLT": "2026-12-03T00:00:00Z",
				}}
			}},
			{op: "VerifyAuditTrail"},
			{op: "AuditFilterPeople"},
			{op: "AuditFilterKeys"},
			{op: "UsersPage_CreateUser", vars: func() map[string]any {
				return map[string]any{"input": map[string]any{"name": "New Person", "email": "new@example.com", "password": "correct horse battery staple"}}
			}, save: func(d json.RawMessage) {
				var out struct {
					CreateUser struct{ User struct{ ID string } }
				}
				_ = json.Unmarshal(d, &out)
				state.userID = out.CreateUser.User.ID
			}},
			{op: "UsersPage"},
			{op: "UsersPage_DeleteUser", vars: func() map[string]any { return map[string]any{"input": map[string]any{"id": state.userID}} }},
		}
		ran := map[string]bool{}
		for _, f := range fixtures {
			if _, ok := docs[f.op]; !ok {
				continue // gone from the frontend
			}
			ran[f.op] = true
			var vars map[string]any
			if f.vars != nil {
				vars = f.vars()
			}
			doc := withFragments(f.op)
			if strings.HasPrefix(strings.TrimSpace(doc), "subscription") {
				w, _ := admin.connect(nil)
				w.subscribe(doc)
				admin.createKey("Told to the frontend", "VIEWER")
				if m, status := w.read(5 * time.Second); m.Type != "next" || strings.Contains(string(m.Payload), `"errors"`) {
					t.Errorf("%s: %s %.300s (close %d)", f.op, m.Type, m.Payload, status)
				}
				t.Logf("%s costs %d", f.op, cost(t, doc, vars))
				continue
			}
			r := admin.gql(doc, vars)
			if len(r.Errors) > 0 || r.Status != http.StatusOK {
				t.Errorf("%s: HTTP %d %.300s", f.op, r.Status, r.Body)
				continue
			}
			if f.save != nil {
				f.save(r.Data)
			}
			t.Logf("%s costs %d", f.op, cost(t, doc, vars))
		}
		for _, op := range ops {
			if !ran[op] {
				t.Errorf("the frontend's operation %s has no variables in this test: add it to the fixtures", op)
			}
		}
	})
}
