package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSerially marshals a list's elements one after the other on the request's
// goroutine. The generated code calls it where gqlgen calls
// graphql.MarshalSliceConcurrently (graph/gqlgen puts it there: nothing below a root
// field blocks, so a goroutine per element is pure cost), and it keeps that function's
// contract: each element gets a field context with its index, and an element whose
// marshaling panics is null with the panic reported as an error on its path, unless
// omitPanicHandler. Its worker limit (the third argument) has nothing to limit.
func marshalSerially(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	fcs, indexes := make([]graphql.FieldContext, length), make([]int, length)
	for i := range length {
		indexes[i] = i
		fcs[i].Index = &indexes[i]
		elemCtx := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = marshalElement(elemCtx, i)
		} else {
			ret[i] = marshalRecovering(elemCtx, i, marshalElement)
		}
	}
	return ret
}

// marshalRecovering is marshalElement(ctx, i), null with an error should it panic.
func marshalRecovering(ctx context.Context, i int, marshalElement func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}
