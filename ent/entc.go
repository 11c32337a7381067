//go:build ignore

// entc generates the Ent code and graph/ent.graphqls. Run it from the module root
// (go generate ./... does): entgql compares schema paths as strings.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(false),
		entgql.WithSchemaHook(clientFriendly),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:   "ent",
		Package:  "apikeys/ent",
		Features: []gen.Feature{gen.FeaturePrivacy, gen.FeatureEntQL, gen.FeatureSnapshot, gen.FeatureIntercept, gen.FeatureExecQuery},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// clientFriendly shapes the generated schema for generated clients (Relay, Apollo,
// codegen, genqlient): a connection's edges and an edge's node are non-null (a page
// never holds a null edge), so client types need no null checks; and order inputs that
// no field takes (every type's createdAt is orderable for Ent, but only apiKeys has an
// orderBy) are left out of the API.
func clientFriendly(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		switch {
		case strings.HasSuffix(name, "Connection"):
			if f := def.Fields.ForName("edges"); f != nil && !f.Type.NonNull {
				f.Type = ast.NonNullListType(ast.NonNullNamedType(f.Type.Name(), nil), nil)
			}
		case strings.HasSuffix(name, "Edge"):
			if f := def.Fields.ForName("node"); f != nil {
				f.Type = ast.NonNullNamedType(f.Type.Name(), nil)
			}
		}
	}
	for _, unused := range []string{"AuditEntryOrder", "AuditEntryOrderField", "OrganizationOrder", "OrganizationOrderField",
		"ServiceAccountOrder", "ServiceAccountOrderField", "UserOrder", "UserOrderField"} {
		delete(s.Types, unused)
	}
	return nil
}
