package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Transactioner runs every mutation in one transaction, committed only when no field
// failed (entgql.Transactioner, which also serializes the mutation's resolvers). Unlike
// entgql's, it lets through the responses gqlgen dispatches before an operation exists
// (an undecodable body: entgql's panics), and a transaction that cannot begin or commit
// (the database went away) goes through the error presenter as INTERNAL, instead of
// reaching the client as a raw driver message without a code.
type Transactioner struct{ entgql.Transactioner }

var _ graphql.ResponseInterceptor = Transactioner{}

// InterceptResponse implements graphql.ResponseInterceptor.
func (t Transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation {
		return next(ctx)
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		return failed(ctx, fmt.Errorf("beginning a transaction: %w", err))
	}
	done := false
	defer func() {
		if !done { // an error response, a failed commit or a panic
			_ = tx.Rollback()
		}
	}()
	rsp := next(txCtx)
	if len(rsp.Errors) > 0 {
		return &graphql.Response{Errors: rsp.Errors}
	}
	if err := tx.Commit(); err != nil {
		return failed(ctx, fmt.Errorf("committing: %w", err))
	}
	done = true
	return rsp
}

func failed(ctx context.Context, err error) *graphql.Response {
	graphql.AddError(ctx, resolverError{err})
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}
