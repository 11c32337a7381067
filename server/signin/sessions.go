// Package signin is how people sign in: POST /auth/login, /auth/logout and the one-time
// /auth/setup of an empty server, the session cookie and its sessions, the limits on
// failed sign-ins and their audit entries.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/people"
	"apikeys/ent/privacy"
	"apikeys/ent/session"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
	"apikeys/server/metrics"
	"apikeys/server/ratelimit"
	"apikeys/server/reply"
)

// Cookie is the name of the session cookie.
const Cookie = "apikeys_session"

// Sessions signs people in and out and finds the person of a session cookie.
type Sessions struct {
	Client *ent.Client
	Log    *slog.Logger
	TTL    time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP (behind a TLS proxy).
	SecureCookies bool
	// SetupToken is the one-time setup token of an empty database, or nil.
	SetupToken *SetupToken
	// Metrics records sign-in results (nil: none).
	Metrics *metrics.Metrics

	limits         *ratelimit.SignIn
	failureEntries *ratelimit.Limiter
	failures       chan failedSignIn
	stop           context.CancelFunc
	done           sync.WaitGroup
}

// UseLimits sets how fast clients may fail to sign in (ratelimit.Limits).
func (s *Sessions) UseLimits(l ratelimit.Limits) {
	s.limits = ratelimit.NewSignIn(l.SignInPerAccount, l.SignInPerIP)
	s.failureEntries = ratelimit.New(l.FailureEntries)
}

// Start begins writing the audit entries of failed sign-ins; Stop writes those queued
// and ends it.
func (s *Sessions) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.failures = make(chan failedSignIn, maxQueuedFailures)
	s.done.Add(1)
	go func() { defer s.done.Done(); s.writeFailures(ctx) }()
}

// Stop ends the background work.
func (s *Sessions) Stop() {
	if s.stop != nil {
		s.stop()
		s.done.Wait()
	}
}

// maxQueuedFailures bounds the failed-sign-in entries waiting to be written.
const maxQueuedFailures = 1000

// ErrNoSession refuses a cookie of no live session (ended, expired, made up, or of a
// person deleted since).
var ErrNoSession = errors.New("session expired")

var allowInternal = func(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Verify finds the person of a cookie's live session, in one query (the person, where a
// live session with the token's hash names them).
func (s *Sessions) Verify(ctx context.Context, token string) (*viewer.Viewer, error) {
	if len(token) != 43 { // 32 random bytes, unpadded base64url
		return nil, ErrNoSession
	}
	u, err := s.Client.Session.Query().
		Where(session.TokenHash(hashToken(token)), session.ExpiresAtGT(time.Now().UTC())).
		QueryUser().
		Where(user.DeletedAtIsNil()). // deleted since the session began
		// What people.Viewer reads: not the password's hash, the email, the dates.
		Select(user.FieldID, user.FieldName, user.FieldRole, user.FieldOrganizationID).
		Only(allowInternal(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrNoSession
	} else if err != nil {
		return nil, err
	}
	return people.Viewer(u), nil
}

// Live returns which of the session cookies tokens are still of a live session of a
// person not deleted, in one query (the connections of subscriptions are checked so).
func (s *Sessions) Live(ctx context.Context, tokens []string) (map[string]bool, error) {
	live := make(map[string]bool, len(tokens))
	for chunk := range slices.Chunk(tokens, 500) {
		hashes := make([][]byte, len(chunk))
		byHash := make(map[string]string, len(chunk))
		for i, t := range chunk {
			hashes[i] = hashToken(t)
			byHash[string(hashes[i])] = t
		}
		found, err := s.Client.Session.Query().
			Where(session.TokenHashIn(hashes...), session.ExpiresAtGT(time.Now().UTC()),
				session.HasUserWith(user.DeletedAtIsNil())).
			Select(session.FieldTokenHash).
			All(allowInternal(ctx))
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			live[byHash[string(f.TokenHash)]] = true
		}
	}
	return live, nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// newSession stores a session for u in the transaction of c and returns its token.
func (s *Sessions) newSession(ctx context.Context, c *ent.Client, u *ent.User) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	expires := time.Now().UTC().Add(s.TTL)
	err := c.Session.Create().
		SetTokenHash(hashToken(token)).
		SetUserID(u.ID).
		SetOrganizationID(u.OrganizationID).
		SetExpiresAt(expires).
		Exec(allowInternal(ctx))
	return token, expires, err
}

func (s *Sessions) setCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     Cookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.SecureCookies || r.TLS != nil,
	})
}

func (s *Sessions) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: Cookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil,
	})
}

// maxAuthBody bounds the JSON bodies of /auth requests.
const maxAuthBody = 64 << 10

// decodeJSON reads a JSON body. Requiring application/json also keeps cross-site HTML
// forms out: a browser sends that content type across sites only after a CORS preflight.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		reply.Error(w, http.StatusUnsupportedMediaType, reply.CodeBadUserInput, "send a JSON body with Content-Type: application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAuthBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		reply.Error(w, http.StatusBadRequest, reply.CodeBadUserInput, "the request body is not valid JSON for this endpoint")
		return false
	}
	return true
}

type signedIn struct {
	User         userJSON `json:"user"`
	Organization orgJSON  `json:"organization"`
}

type userJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

type orgJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Logout handles POST /auth/logout: the session ends on the server, the cookie is cleared.
func (s *Sessions) Logout(w http.ResponseWriter, r *http.Request) {
	// The cookie is cleared whatever happens next: a header set after WriteHeader is lost.
	s.clearCookie(w, r)
	cookie, err := r.Cookie(Cookie)
	if err != nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx := r.Context()
	v, err := s.Verify(ctx, cookie.Value)
	if errors.Is(err, ErrNoSession) {
		w.WriteHeader(http.StatusNoContent)
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	vctx := viewer.NewContext(ctx, v)
	err = audit.InTx(vctx, s.Client, func(c *ent.Client) error {
		_, err := c.Session.Delete().
			Where(session.TokenHash(hashToken(cookie.Value)), session.UserID(v.ID)).
			Exec(allowInternal(vctx))
		if err != nil {
			return err
		}
		return audit.Record(vctx, c, auditentry.ActionUSER_SIGNED_OUT, audit.Target{Kind: auditentry.TargetKindUSER, ID: v.ID, Name: v.Name})
	})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Session handles GET /auth/session: whether the request's cookie is of a live
// session, {"signedIn": true|false}, always 200 (503 when the database fails), so that
// the app can ask before it asks for the viewer, and a first visit logs no 401.
func (s *Sessions) Session(w http.ResponseWriter, r *http.Request) {
	signedIn := false
	if cookie, err := r.Cookie(Cookie); err == nil {
		_, err := s.Verify(r.Context(), cookie.Value)
		switch {
		case err == nil:
			signedIn = true
		case !errors.Is(err, ErrNoSession):
			s.Log.ErrorContext(r.Context(), "signin: verifying a session", "err", err)
			reply.Error(w, http.StatusServiceUnavailable, reply.CodeInternal, "could not verify the session, try again")
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	reply.JSON(w, http.StatusOK, map[string]bool{"signedIn": signedIn})
}

func (s *Sessions) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.ErrorContext(r.Context(), "signin: internal error", "path", r.URL.Path, "err", err)
	reply.Error(w, http.StatusInternalServerError, reply.CodeInternal, "internal error")
}
