package graph

import (
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalSerially keeps graphql.MarshalSliceConcurrently's contract: each element is
// marshaled once with a field context holding its index, and one that panics is null,
// with the panic reported on its own path, while its neighbours are kept.
func TestMarshalSeriallyKeepsGqlgensContract(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "edges"}}})
	var seen []int
	got := marshalSerially(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		seen = append(seen, *graphql.GetFieldContext(ctx).Index)
		if i == 1 {
			panic("element 1 is broken")
		}
		return graphql.MarshalInt(i)
	})
	if fmt.Sprint(seen) != "[0 1 2]" || len(got) != 3 || got[1] != graphql.Null || got[0] == graphql.Null || got[2] == graphql.Null {
		t.Fatalf("indexes %v, result %v", seen, got)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "edges[1]" {
		t.Fatalf("errors %v, want one on edges[1]", errs)
	}
	if got := marshalSerially(ctx, 0, 0, false, nil); len(got) != 0 {
		t.Fatalf("an empty list: %v", got)
	}
}
