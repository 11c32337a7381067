package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// graph/schema.graphql stands alone, as one-file tools read it: it loads by itself, has
// no "extend" (Relay's compiler reads files in name order and fails on an extension
// before its type), no gqlgen directive, and every type the API has; and it is what
// this command makes of graph/*.graphqls now.
func TestTheOneFileSchemaStandsAlone(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(committed)
	if strings.Contains(text, "extend ") || strings.Contains(text, "@go") {
		t.Fatal("schema.graphql has an extension or a gqlgen directive")
	}
	s, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: text})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	for _, name := range []string{"Query", "Mutation", "APIKey", "AuditEntry", "AuditVerification", "Node", "PageInfo"} {
		if s.Types[name] == nil {
			t.Errorf("no type %s", name)
		}
	}
	out := filepath.Join(t.TempDir(), "schema.graphql")
	if err := run("..", out); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := os.ReadFile(out); string(fresh) != text {
		t.Fatal("graph/schema.graphql is stale: run go generate ./graph")
	}
}
