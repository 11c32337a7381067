package graph

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"apikeys/ent"
	"apikeys/ent/privacy"
)

// The stable values of extensions.code; clients and tests rely on them.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeInternal        = "INTERNAL"
)

// Error returns an error that reaches the client with the given code and message.
func Error(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

func badInput(field, message string) *gqlerror.Error {
	e := Error(CodeBadUserInput, message)
	e.Extensions["field"] = field
	return e
}

func notFound() *gqlerror.Error { return Error(CodeNotFound, "not found") }

func forbidden(message string) *gqlerror.Error { return Error(CodeForbidden, message) }

// ValidationMessage is what a validator of the Ent schema said, without Ent's
// "validator failed for field" wrapper.
func ValidationMessage(verr *ent.ValidationError) string {
	err := verr.Unwrap()
	if inner := errors.Unwrap(err); inner != nil {
		err = inner
	}
	return err.Error()
}

// RequestIDFunc returns the id of the current request, for correlating logs.
type RequestIDFunc func(context.Context) string

// ErrorPresenter gives every error a code. Expected errors (bad input, not found,
// forbidden) reach the client as they are; anything else is logged with the request
// id and answered "internal error", so no internal detail leaks.
func ErrorPresenter(log *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if _, ok := gerr.Extensions["code"]; ok {
			return gerr
		}
		cause := gerr.Err
		if cause == nil {
			// gqlgen's own errors without a code: argument coercion and the like.
			gerr.Extensions = map[string]any{"code": CodeBadUserInput}
			return gerr
		}
		var coded *gqlerror.Error
		if errors.As(cause, &coded) && coded.Extensions["code"] != nil {
			gerr.Message, gerr.Extensions = coded.Message, coded.Extensions
			return gerr
		}
		var verr *ent.ValidationError
		switch {
		case errors.As(cause, &verr):
			gerr.Message = ValidationMessage(verr)
			gerr.Extensions = map[string]any{"code": CodeBadUserInput, "field": verr.Name}
		case ent.IsNotFound(cause):
			gerr.Message, gerr.Extensions = "not found", map[string]any{"code": CodeNotFound}
		case errors.Is(cause, privacy.Deny):
			gerr.Message, gerr.Extensions = "you are not allowed to do this", map[string]any{"code": CodeForbidden}
		default:
			id := requestID(ctx)
			log.ErrorContext(ctx, "graphql: internal error", "request_id", id, "path", gerr.Path.String(), "err", cause)
			gerr.Message = "internal error"
			gerr.Extensions = map[string]any{"code": CodeInternal, "requestId": id}
		}
		gerr.Err = nil
		return gerr
	}
}

// Recover turns a panic into an internal error, logged with its stack.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	}
}
