package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// ForClients removes from s what only gqlgen reads: its directives (@goModel, @goField),
// declared in graph/ent.graphqls for the code generator and meaningless to clients. The
// runtime schema (introspection: the Playground, codegen against the live URL) and
// graph/schema.graphql (graph/sdl) both go through it.
func ForClients(s *ast.Schema) {
	for name := range s.Directives {
		if gqlgenDirective(name) {
			delete(s.Directives, name)
		}
	}
	for _, def := range s.Types {
		def.Directives = clientDirectives(def.Directives)
		for _, f := range def.Fields {
			f.Directives = clientDirectives(f.Directives)
			for _, a := range f.Arguments {
				a.Directives = clientDirectives(a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			v.Directives = clientDirectives(v.Directives)
		}
	}
}

func init() {
	// The executable schema's parsed schema is one shared value: cleaned once, before
	// any request reads it.
	ForClients(NewExecutableSchema(Config{}).Schema())
}

func gqlgenDirective(name string) bool { return strings.HasPrefix(name, "go") }

func clientDirectives(ds ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range ds {
		if !gqlgenDirective(d.Name) {
			out = append(out, d)
		}
	}
	return out
}
