package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"apikeys/ent/privacy"
	"apikeys/server/app"
	"apikeys/server/testdb"
)

// Audit entries are append-only, even for code that bypasses the privacy rules.
func TestAuditEntriesCannotBeChanged(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		s.newTenant("Acme")
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		c := s.app.DB.Client
		if err := c.AuditEntry.Update().Exec(ctx); err == nil {
			t.Fatal("an audit entry was updated")
		}
		if _, err := c.AuditEntry.Delete().Exec(ctx); err == nil {
			t.Fatal("an audit entry was deleted")
		}
		n, err := c.AuditEntry.Query().Count(ctx)
		if err != nil || n == 0 {
			t.Fatalf("%d entries (%v)", n, err)
		}
		// The database refuses too, whatever client connects.
		for _, stmt := range []string{
			"UPDATE audit_entries SET actor_name = 'Forged'",
			"DELETE FROM audit_entries",
		} {
			if _, err := s.app.DB.DB.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want the append-only refusal", stmt, err)
			}
		}
		if s.app.DB.Dialect == "postgres" {
			if _, err := s.app.DB.DB.Exec("TRUNCATE audit_entries"); err == nil {
				t.Error("TRUNCATE audit_entries succeeded")
			}
		}
		if m, _ := c.AuditEntry.Query().Count(ctx); m != n {
			t.Fatalf("%d entries after the attempts, want %d", m, n)
		}
	})
}

func TestGraphQLLimits(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		aliases := func(n int, field string) string {
			var b strings.Builder
			b.WriteString("{")
			for i := range n {
				fmt.Fprintf(&b, " a%d: %s", i, field)
			}
			b.WriteString(" }")
			return b.String()
		}
		r := admin.gql(aliases(2000, "viewer { id name }"), nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("a 6000-field query: HTTP %d %.300s", r.Status, r.Body)
		}
		// Fewer fields, each alias a statement.
		r = admin.gql(aliases(450, "apiKeyCounts { active revoked }"), nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("450 aliases of apiKeyCounts: HTTP %d %.300s", r.Status, r.Body)
		}
		// Introspection costs nothing to the complexity limit: its fields are bounded.
		r = admin.gql(`{ __schema { `+strings.TrimSuffix(strings.TrimPrefix(aliases(700, "types { fields { name } }"), "{"), "}")+` } }`, nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("700 aliases of the schema's types: HTTP %d, %d bytes", r.Status, len(r.Body))
		}
		// Each __schema answers with the whole schema: asked more than once, refused
		// (666 aliases took 1.8 s); GraphiQL's introspection (below) asks once.
		r = admin.gql(aliases(3, "__schema { types { name } }"), nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("3 aliases of __schema: HTTP %d %.300s", r.Status, r.Body)
		}
		// A page counts its selection once per row: aliases of full pages are refused
		// (they returned 1.45 MB in 0.75 s), while one full page passes.
		r = admin.gql(aliases(110, "apiKeys(first: 100) { edges { node { id name } } }"), nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("110 aliases of 100 keys: HTTP %d %.300s", r.Status, r.Body)
		}
		r = admin.gql("query($n: Int)"+aliases(110, "apiKeys(first: $n) { edges { node { id name } } }"), map[string]any{"n": 100})
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("110 aliases of 100 keys, the size in a variable: HTTP %d %.300s", r.Status, r.Body)
		}
		for i := range 100 {
			admin.createKey(fmt.Sprintf("Key %d", i), "VIEWER")
		}
		var page struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ ID, CreatedByName string }
				}
			}
		}
		admin.must(&page, `{ apiKeys(first: 100) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id createdAt status revokedAt lastUsedAt name maskedKey createdByName revokedByName
    serviceAccount { id createdAt name role } } }
} }`, nil)
		if n := len(page.APIKeys.Edges); n != 100 || page.APIKeys.Edges[99].Node.CreatedByName == "" {
			t.Fatalf("a full page: %d keys %+v", n, page.APIKeys.Edges[n-1])
		}
		// Fragments that spread the next one twice expand to 2^24 fields: refused before
		// anything walks them (the complexity limit's own walk took seconds).
		var bomb strings.Builder
		bomb.WriteString("query { ...F0 }")
		for i := range 24 {
			fmt.Fprintf(&bomb, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
		}
		bomb.WriteString(" fragment F24 on Query { viewer { name } }")
		start := time.Now()
		if r := admin.gql(bomb.String(), nil); r.code() != "COMPLEXITY_LIMIT_EXCEEDED" || time.Since(start) > 100*time.Millisecond {
			t.Fatalf("2^24 fields in fragments: %v, HTTP %d %.300s", time.Since(start), r.Status, r.Body)
		}
		// GraphiQL's introspection query stays within the limit.
		var schema struct {
			Schema struct{ Types []struct{ Name string } } `json:"__schema"`
		}
		admin.must(&schema, introspectionQuery, nil)
		if len(schema.Schema.Types) < 20 {
			t.Fatalf("introspection returned %d types", len(schema.Schema.Types))
		}
		// Depth is bounded too (the schema's own nesting stays well within it).
		deep := `{ __type(name: "APIKey") { ` + strings.Repeat("ofType { ", 14) + "name" + strings.Repeat(" }", 14) + " } }"
		if r := admin.gql(deep, nil); r.code() != "DEPTH_LIMIT_EXCEEDED" {
			t.Fatalf("a 16-deep query: HTTP %d %.300s", r.Status, r.Body)
		}
		// Bodies over 1 MiB are refused before they are read.
		r = admin.gql(`{ viewer { name } }`+strings.Repeat(" ", 1<<20), nil)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("a 1 MiB body: HTTP %d", r.Status)
		}
	})
}

const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

func TestIntrospectionCanBeTurnedOff(t *testing.T) {
	s := newServer(t, app.Config{DatabaseURL: testdb.SQLite(t), NoIntrospection: true})
	admin := s.newTenant("Acme").admin
	if r := admin.gql(`{ __schema { types { name } } }`, nil); len(r.Errors) == 0 {
		t.Fatalf("introspection answered: %.200s", r.Body)
	}
	admin.must(nil, `{ viewer { name } }`, nil)
}

// The tab counters are kept in the transactions of the changes, and counted once for
// organizations from before them.
func TestKeyCountersAreKeptAndBackfilled(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		admin := s.newTenant("Acme").admin
		admin.createKey("One", "VIEWER")
		admin.createKey("Two", "VIEWER")
		gone := admin.createKey("Three", "VIEWER")
		admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": gone.ID})
		if got := admin.counts(); got != (counts{2, 1}) {
			t.Fatalf("counts = %+v", got)
		}
		// As an organization from before the counters.
		if _, err := s.app.DB.DB.Exec(`UPDATE organizations SET active_key_count = 0, revoked_key_count = 0, key_counts_initialized = false`); err != nil {
			t.Fatal(err)
		}
		again := newServer(t, app.Config{DatabaseURL: url})
		if got := again.newTenantClient(admin).counts(); got != (counts{2, 1}) {
			t.Fatalf("counts after the backfill = %+v", got)
		}
	})
}
