package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
)

// Transactioner runs every mutation in one transaction (entgql.Transactioner). It lets
// through the responses gqlgen dispatches before an operation exists (an undecodable
// body), for which entgql's would panic with "missing operation context".
type Transactioner struct{ entgql.Transactioner }

var _ graphql.ResponseInterceptor = Transactioner{}

// InterceptResponse implements graphql.ResponseInterceptor.
func (t Transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	return t.Transactioner.InterceptResponse(ctx, next)
}
