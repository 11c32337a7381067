// Package auth decides who is calling: integrations by "Authorization: Bearer gak_…"
// (server/keyauth), people by the session cookie (server/signin). It puts the viewer in
// the request context, where the Ent privacy rules read it.
package auth

import (
	"errors"
	"log/slog"
	"net/http"

	"apikeys/ent/viewer"
	"apikeys/server/clientaddr"
	"apikeys/server/keyauth"
	"apikeys/server/metrics"
	"apikeys/server/reply"
	"apikeys/server/signin"
)

// Authenticator authenticates requests with keys or sessions.
type Authenticator struct {
	Keys     *keyauth.Verifier
	Sessions *signin.Sessions
	Log      *slog.Logger
	// Metrics records authentication results (nil: none).
	Metrics *metrics.Metrics
}

// Middleware authenticates the request. A request with an Authorization header must
// carry a valid key; one with neither a key nor a live session is refused. Either way
// the refusal is 401 with code UNAUTHENTICATED, and the same message for unknown,
// revoked and malformed keys.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if header := r.Header.Values("Authorization"); len(header) > 0 {
			v, err := a.Keys.Verify(ctx, header, clientaddr.Of(r), r.UserAgent())
			var limited keyauth.Limited
			switch {
			case errors.As(err, &limited):
				a.Metrics.Auth("rate_limited")
				reply.RateLimited(w, limited.Wait)
			case errors.Is(err, keyauth.ErrAddress):
				a.Metrics.Auth("key_address_refused")
				reply.Error(w, http.StatusForbidden, reply.CodeForbidden, keyauth.ErrAddress.Error())
			case errors.Is(err, keyauth.ErrInvalid):
				a.Metrics.Auth("key_refused")
				reply.InvalidToken(w, "invalid API key")
			case err != nil:
				a.unavailable(w, r, err)
			default:
				next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
			}
			return
		}
		cookie, err := r.Cookie(signin.Cookie)
		if err != nil {
			a.Metrics.Auth("no_credentials")
			reply.Error(w, http.StatusUnauthorized, reply.CodeUnauthenticated, "sign in or send an API key")
			return
		}
		v, err := a.Sessions.Verify(ctx, cookie.Value)
		switch {
		case errors.Is(err, signin.ErrNoSession):
			a.Metrics.Auth("session_refused")
			reply.Error(w, http.StatusUnauthorized, reply.CodeUnauthenticated, "your session has ended: sign in again")
		case err != nil:
			a.Metrics.Auth("session_refused")
			a.unavailable(w, r, err)
		default:
			a.Metrics.Auth("session")
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
		}
	})
}

// unavailable answers a request whose credentials could not be checked (the database
// failed): 503, never a refusal of credentials that may be valid.
func (a *Authenticator) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	a.Log.ErrorContext(r.Context(), "auth: verifying credentials", "err", err)
	reply.Error(w, http.StatusServiceUnavailable, reply.CodeInternal, "could not verify credentials, try again")
}
