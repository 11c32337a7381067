// Package auth authenticates requests: people by a session cookie (POST /auth/login),
// integrations by "Authorization: Bearer gak_…". It puts the viewer in the request
// context, where the Ent privacy rules read it.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/keys"
	"apikeys/ent/privacy"
	"apikeys/ent/session"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
	"apikeys/server/metrics"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "apikeys_session"

// Error codes of the JSON errors (the same as GraphQL's extensions.code).
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeForbidden       = "FORBIDDEN"
	CodeInternal        = "INTERNAL"
)

// Authenticator verifies credentials against the database.
type Authenticator struct {
	Client     *ent.Client
	Log        *slog.Logger
	SessionTTL time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP (behind a TLS proxy).
	SecureCookies bool
	// SetupToken is the one-time setup token of an empty database, or nil.
	SetupToken *SetupToken
	// Metrics records authentication results and cache events (nil: none).
	Metrics *metrics.Metrics

	signIns                  *signInLimiter
	keyPerIP, failureEntries *limiter
	failures                 chan failedSignIn

	cache    *keyCache
	refused  *refusedKeys
	announce bool // PostgreSQL: revocations are announced with NOTIFY
	// anonymous is the viewer of requests without credentials: only the benchmark
	// build (bench.go) sets it; otherwise such requests are refused.
	anonymous *viewer.Viewer
	usage     usage
	stop      context.CancelFunc
	done      sync.WaitGroup
}

// Background says how the authenticator keeps its cache and key uses.
type Background struct {
	// KeyCacheSize is how many verified keys to keep; 0 or less: no cache.
	KeyCacheSize int
	// ListenDSN, on PostgreSQL, is where to listen for the revocations of other
	// instances; "" on SQLite (one instance).
	ListenDSN string
	// RecheckEvery bounds how long a lost notification could leave a revoked key cached.
	RecheckEvery time.Duration
	// FlushUsageEvery is how often key uses are written.
	FlushUsageEvery time.Duration
	// Dialect is the database's (entgo.io/ent/dialect): key uses are written in SQL.
	Dialect string
}

// Start begins the background work: the revocation listener (before the cache
// serves), the re-check of revoked keys and the writing of key uses. Stop ends it.
func (a *Authenticator) Start(b Background) {
	a.cache = newKeyCache(b.KeyCacheSize, a.Metrics)
	a.refused = newRefusedKeys(refusedKeysSize)
	a.usage.postgres = b.Dialect == dialect.Postgres
	ctx, cancel := context.WithCancel(context.Background())
	a.stop = cancel
	if b.ListenDSN != "" {
		a.Listen(ctx, b.ListenDSN)
	}
	a.failures = make(chan failedSignIn, maxQueuedFailures)
	a.done.Add(3)
	go func() { defer a.done.Done(); a.writeFailures(ctx) }()
	go func() { defer a.done.Done(); a.recheckRevoked(ctx, b.RecheckEvery) }()
	go func() { defer a.done.Done(); a.flushUsageEvery(ctx, b.FlushUsageEvery) }()
}

// Stop ends the background work and writes the key uses not yet written.
func (a *Authenticator) Stop() error {
	if a.stop == nil {
		return nil
	}
	a.stop()
	a.done.Wait()
	return a.FlushUsage(context.Background())
}

// maxQueuedFailures bounds the failed-sign-in entries waiting to be written.
const maxQueuedFailures = 1000

// UseLimits sets how fast clients may fail (see Limits).
func (a *Authenticator) UseLimits(l Limits) {
	a.signIns = newSignInLimiter(l.SignInPerAccount, l.SignInPerIP)
	a.keyPerIP = newLimiter(l.KeyPerIP)
	a.failureEntries = newLimiter(l.FailureEntries)
}

// lastUsedGranularity bounds the writes of lastUsedAt to one a minute per key.
const lastUsedGranularity = time.Minute

var (
	errBadKey = errors.New("invalid API key")
	// errAddress refuses a valid key from an address outside its allowed networks.
	errAddress    = errors.New("this key may not be used from this address")
	errNoSession  = errors.New("session expired")
	allowInternal = func(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }
)

// Middleware authenticates the request. A request with an Authorization header must
// carry a valid key; one with neither a key nor a live session is refused. Either way
// the refusal is 401 with code UNAUTHENTICATED, and the same message for unknown,
// revoked and malformed keys.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := WithRequest(r)
		if header := r.Header.Values("Authorization"); len(header) > 0 {
			v, err := a.verifyKey(ctx, header, clientIP(r), r.UserAgent())
			var limited rateLimited
			switch {
			case errors.As(err, &limited):
				a.Metrics.Auth("rate_limited")
				writeRateLimited(w, limited.wait)
				return
			case errors.Is(err, errAddress):
				a.Metrics.Auth("key_address_refused")
				WriteError(w, http.StatusForbidden, CodeForbidden, errAddress.Error())
				return
			case errors.Is(err, errBadKey):
				a.Metrics.Auth("key_refused")
				a.refuse(w, r, err, "invalid API key")
				return
			case err != nil:
				a.refuse(w, r, err, "invalid API key")
				return
			}
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
			return
		}
		cookie, err := r.Cookie(SessionCookie)
		if err != nil {
			if a.anonymous != nil {
				next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, a.anonymous)))
				return
			}
			a.Metrics.Auth("no_credentials")
			WriteError(w, http.StatusUnauthorized, CodeUnauthenticated, "sign in or send an API key")
			return
		}
		v, err := a.verifySession(ctx, cookie.Value)
		if err != nil {
			a.Metrics.Auth("session_refused")
			a.refuse(w, r, err, "your session has ended: sign in again")
			return
		}
		a.Metrics.Auth("session")
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
	})
}

func (a *Authenticator) refuse(w http.ResponseWriter, r *http.Request, err error, message string) {
	if errors.Is(err, errBadKey) || errors.Is(err, errNoSession) {
		WriteError(w, http.StatusUnauthorized, CodeUnauthenticated, message)
		return
	}
	a.Log.ErrorContext(r.Context(), "auth: verifying credentials", "err", err)
	WriteError(w, http.StatusServiceUnavailable, CodeInternal, "could not verify credentials, try again")
}

// WithRequest returns the request's context with its metadata for the audit trail.
func WithRequest(r *http.Request) context.Context {
	return audit.WithRequest(r.Context(), audit.Request{IP: clientIP(r), UserAgent: r.UserAgent()})
}

// ClientIP is the client's address, as the limits, the allowlists and the audit trail
// see it (ClientAddress).
func ClientIP(r *http.Request) string { return clientIP(r) }

// rateLimited refuses a key lookup from an address that made too many failed ones.
type rateLimited struct{ wait time.Duration }

func (e rateLimited) Error() string { return "too many invalid API keys from this address" }

// verifyKey checks an Authorization header: exactly one "Bearer <key>", a well-formed
// key (the checksum rejects typos before any lookup), a stored hash, an active key not
// past its expiry.
//
// The limit on bad keys per address (ip) keeps floods of made-up keys away from the
// database and never refuses a key that verifies: a cached key is served whatever its
// address did, a key already refused is refused again from memory (keyCache.refuse), and
// only a lookup that reaches the database takes a token of the address, given back when
// the key verifies. Many integrations behind one address (a NAT) whose keys are revoked
// in turn cost one token per revoked key, not one per retry.
func (a *Authenticator) verifyKey(ctx context.Context, header []string, ip, userAgent string) (*viewer.Viewer, error) {
	secret, ok := ParseBearer(header)
	if !ok {
		return nil, errBadKey
	}
	hash, err := keys.Parse(secret)
	if err != nil {
		return nil, errBadKey
	}
	now := time.Now()
	if ck, ok := a.cache.get(hash); ok {
		if ck.expires != 0 && now.UnixNano() >= ck.expires {
			return nil, errBadKey // expired: refused from that second, swept or not
		}
		if !allowedFrom(ck.networks, ip) {
			return nil, errAddress
		}
		a.Metrics.Auth("key_cached")
		a.markUsed(hash, ck, now, ip, userAgent)
		return &ck.viewer, nil
	}
	if a.refused.has(hash) {
		return nil, errBadKey
	}
	if wait := a.keyPerIP.begin(ip); wait > 0 {
		return nil, rateLimited{wait}
	}
	epoch := a.cache.begin()
	k, err := a.Client.APIKey.Query().
		Where(apikey.SecretHash(hash[:])).
		WithServiceAccount().
		Only(allowInternal(ctx))
	if ent.IsNotFound(err) {
		a.refused.add(hash)
		return nil, errBadKey
	} else if err != nil {
		a.keyPerIP.succeeded(ip) // the database failed, not the client
		return nil, err
	}
	if subtle.ConstantTimeCompare(k.SecretHash, hash[:]) != 1 || k.Status != apikey.StatusACTIVE ||
		(k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		// Revoked and expired keys never work again; an active key that will expire
		// later is not remembered as refused.
		a.refused.add(hash)
		return nil, errBadKey
	}
	a.keyPerIP.succeeded(ip)
	sa := k.Edges.ServiceAccount
	ck := cachedKey{viewer: viewer.Viewer{
		Kind:  viewer.KindServiceAccount,
		ID:    sa.ID,
		Name:  sa.Name,
		Role:  string(sa.Role),
		OrgID: k.OrganizationID,
		KeyID: k.ID,
	}}
	if k.LastUsedAt != nil {
		ck.marked = k.LastUsedAt.UnixNano()
	}
	if k.ExpiresAt != nil {
		ck.expires = k.ExpiresAt.UnixNano()
	}
	for _, n := range k.AllowedNetworks {
		p, err := keys.ParseNetwork(n)
		if err != nil {
			return nil, fmt.Errorf("key %s: stored network %q: %w", k.ID, n, err)
		}
		ck.networks = append(ck.networks, p)
	}
	a.cache.add(hash, ck, epoch)
	if !allowedFrom(ck.networks, ip) {
		return nil, errAddress
	}
	a.Metrics.Auth("key_verified")
	a.markUsed(hash, ck, now, ip, userAgent)
	return &ck.viewer, nil
}

// ParseBearer returns the credential of the Authorization header values: exactly one
// value, the scheme "Bearer" in any case (RFC 7235 §2.1), one or more spaces, and one
// token without spaces (RFC 6750 §2.1). Anything else is refused rather than guessed at.
func ParseBearer(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, rest, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token := strings.TrimLeft(rest, " ")
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// verifySession finds the person of a cookie's live session, in one query (the person,
// where a live session with the token's hash names them).
func (a *Authenticator) verifySession(ctx context.Context, token string) (*viewer.Viewer, error) {
	if len(token) != 43 { // 32 random bytes, unpadded base64url
		return nil, errNoSession
	}
	u, err := a.Client.Session.Query().
		Where(session.TokenHash(hashToken(token)), session.ExpiresAtGT(time.Now().UTC())).
		QueryUser().
		Where(user.DeletedAtIsNil()). // deleted since the session began
		Only(allowInternal(ctx))
	if ent.IsNotFound(err) {
		return nil, errNoSession
	} else if err != nil {
		return nil, err
	}
	return userViewer(u), nil
}

func userViewer(u *ent.User) *viewer.Viewer {
	return &viewer.Viewer{Kind: viewer.KindUser, ID: u.ID, Name: u.Name, Role: string(u.Role), OrgID: u.OrganizationID}
}

// newSession stores a session for u in the transaction of c and returns its token.
func (a *Authenticator) newSession(ctx context.Context, c *ent.Client, u *ent.User) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	expires := time.Now().UTC().Add(a.SessionTTL)
	err := c.Session.Create().
		SetTokenHash(hashToken(token)).
		SetUserID(u.ID).
		SetOrganizationID(u.OrganizationID).
		SetExpiresAt(expires).
		Exec(allowInternal(ctx))
	return token, expires, err
}

func (a *Authenticator) setCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   a.SecureCookies || r.TLS != nil,
	})
}

func (a *Authenticator) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.SecureCookies || r.TLS != nil,
	})
}

// WithTx runs f in a transaction of the client and commits when it returns nil.
func WithTx(ctx context.Context, client *ent.Client, f func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// allowedFrom reports whether ip is within one of networks (none: any address).
func allowedFrom(networks []netip.Prefix, ip string) bool {
	if len(networks) == 0 {
		return true
	}
	a, err := netip.ParseAddr(ip)
	return err == nil && within(networks, a.Unmap())
}
