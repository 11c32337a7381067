package graph

import (
	"slices"
	"testing"
	"unicode"

	"apikeys/ent"
)

// A service account shown with its key is read with ent.ServiceAccountShown only: each
// field of the ServiceAccount type must have its column there, or it would read as
// its zero value.
func TestShownServiceAccountsHaveEveryField(t *testing.T) {
	typ := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema().Types["ServiceAccount"]
	if typ == nil || len(typ.Fields) == 0 {
		t.Fatal("no ServiceAccount type")
	}
	for _, f := range typ.Fields {
		if column := snake(f.Name); !slices.Contains(ent.ServiceAccountShown, column) {
			t.Errorf("ServiceAccount.%s: column %s is not in ent.ServiceAccountShown", f.Name, column)
		}
	}
}

// snake is Ent's column name of a GraphQL field name (createdAt: created_at).
func snake(name string) string {
	var out []rune
	for _, r := range name {
		if unicode.IsUpper(r) {
			out = append(out, '_', unicode.ToLower(r))
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
