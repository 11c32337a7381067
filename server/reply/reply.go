// Package reply writes the server's JSON answers outside GraphQL (/auth, leak reports,
// refusals of the middleware) in the shape of a GraphQL error, so that clients read
// every error of the server the same way: {"errors":[{"message":…,"extensions":{"code":…}}]}.
package reply

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"apikeys/ent/problem"
)

// Error codes (the same as GraphQL's extensions.code).
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeInternal        = "INTERNAL"
	CodeRateLimited     = "RATE_LIMITED"
)

// Error answers status with one error of code; a 401 also says which scheme to use.
func Error(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="apikeys"`)
	}
	errors(w, status, map[string]any{"message": message, "extensions": map[string]any{"code": code}})
}

// InvalidToken answers 401 UNAUTHENTICATED for a bearer token that is not valid
// (unknown, revoked, expired, malformed), saying so in WWW-Authenticate as RFC 6750 §3.1
// asks: error="invalid_token".
func InvalidToken(w http.ResponseWriter, message string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="apikeys", error="invalid_token", error_description="`+message+`"`)
	errors(w, http.StatusUnauthorized, map[string]any{"message": message, "extensions": map[string]any{"code": CodeUnauthenticated}})
}

// FieldError answers 400 BAD_USER_INPUT naming the field that is wrong.
func FieldError(w http.ResponseWriter, e *problem.InputError) {
	errors(w, http.StatusBadRequest, map[string]any{"message": e.Message, "extensions": map[string]any{"code": CodeBadUserInput, "field": e.Field}})
}

// RateLimited answers 429 RATE_LIMITED with Retry-After (whole seconds, rounded up).
func RateLimited(w http.ResponseWriter, wait time.Duration) {
	s := strconv.Itoa(int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", s)
	Error(w, http.StatusTooManyRequests, CodeRateLimited, "too many failed attempts: try again in "+s+" s")
}

func errors(w http.ResponseWriter, status int, e map[string]any) {
	JSON(w, status, map[string]any{"errors": []any{e}, "data": nil})
}

// JSON answers status with v, never cached.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
