// Package keyauth verifies API keys ("Authorization: Bearer gak_…"): the cache of
// verified keys and its revocations across instances, the memory of refused keys, the
// filter of known keys, the limit on lookups per address, and the batched record of
// where and when keys are used.
package keyauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/keys"
	"apikeys/ent/privacy"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
	"apikeys/server/clientaddr"
	"apikeys/server/metrics"
	"apikeys/server/ratelimit"
)

// Verifier verifies keys against the database, through its cache.
type Verifier struct {
	Client *ent.Client
	Log    *slog.Logger
	// Metrics records verification results and cache events (nil: none).
	Metrics *metrics.Metrics
	// PerAddress bounds the lookups that reach the database per client address (nil:
	// no bound); a lookup that finds a valid key gives its token back.
	PerAddress *ratelimit.Limiter

	cache    *keyCache
	refused  *refusedKeys
	known    *knownKeys
	announce bool // PostgreSQL: revocations and new keys are announced with NOTIFY
	usage    usage
	stop     context.CancelFunc
	done     sync.WaitGroup
}

// Background says how the verifier keeps its cache and key uses.
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
func (v *Verifier) Start(b Background) {
	v.cache = newKeyCache(b.KeyCacheSize, v.Metrics)
	v.refused = newRefusedKeys(refusedKeysSize)
	v.usage.postgres = b.Dialect == dialect.Postgres
	ctx, cancel := context.WithCancel(context.Background())
	v.stop = cancel
	v.known = &knownKeys{loading: true}
	v.known.load = func() { v.loadKnown(ctx) }
	if b.ListenDSN != "" {
		v.Listen(ctx, b.ListenDSN)
	}
	go v.loadKnown(ctx) // after LISTEN: keys created from now on are announced
	v.done.Add(2)
	go func() { defer v.done.Done(); v.recheckRevoked(ctx, b.RecheckEvery) }()
	go func() { defer v.done.Done(); v.flushUsageEvery(ctx, b.FlushUsageEvery) }()
}

// Stop ends the background work and writes the key uses not yet written.
func (v *Verifier) Stop() error {
	if v.stop == nil {
		return nil
	}
	v.stop()
	v.done.Wait()
	return v.FlushUsage(context.Background())
}

// lastUsedGranularity bounds the writes of lastUsedAt to one a minute per key.
const lastUsedGranularity = time.Minute

var (
	// ErrInvalid refuses a malformed, unknown, revoked or expired key, all alike.
	ErrInvalid = errors.New("invalid API key")
	// ErrAddress refuses a valid key from an address outside its allowed networks.
	ErrAddress    = errors.New("this key may not be used from this address")
	allowInternal = func(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }
)

// Limited refuses a key lookup from an address that made too many failed ones.
type Limited struct{ Wait time.Duration }

func (e Limited) Error() string { return "too many invalid API keys from this address" }

// Verify checks an Authorization header: exactly one "Bearer <key>", a well-formed key
// (the checksum rejects typos before any lookup), a stored hash, an active key not past
// its expiry, used from an allowed network; it returns the key's service account as the
// viewer, or ErrInvalid, ErrAddress, Limited or the database's error.
//
// The limit on bad keys per address (ip) keeps floods of made-up keys away from the
// database and never refuses a key that verifies: a cached key is served whatever its
// address did, a key already refused is refused again from memory (refusedKeys), and
// only a lookup that reaches the database takes a token of the address, given back when
// the key verifies. Many integrations behind one address (a NAT) whose keys are revoked
// in turn cost one token per revoked key, not one per retry. Once the address's tokens
// are spent, a key the filter of known keys holds (every active key, every new one) is
// still looked up: a flood of made-up keys from an address does not lock out a valid key
// first used from it.
func (v *Verifier) Verify(ctx context.Context, header []string, ip, userAgent string) (*viewer.Viewer, error) {
	secret, ok := ParseBearer(header)
	if !ok {
		return nil, ErrInvalid
	}
	hash, err := keys.Parse(secret)
	if err != nil {
		return nil, ErrInvalid
	}
	now := time.Now()
	if ck, ok := v.cache.get(hash); ok {
		if ck.expires != 0 && now.UnixNano() >= ck.expires {
			return nil, ErrInvalid // expired: refused from that second, swept or not
		}
		if !clientaddr.Allowed(ck.networks, ip) {
			return nil, ErrAddress
		}
		v.Metrics.Auth("key_cached")
		v.markUsed(hash, ck, now, ip, userAgent)
		return &ck.viewer, nil
	}
	if v.refused.has(hash) {
		return nil, ErrInvalid
	}
	counted := true
	if wait := v.PerAddress.Take(ip); wait > 0 {
		if !v.known.mayExist(hash) {
			return nil, Limited{wait}
		}
		counted = false // a key that may verify is looked up whatever its address did
	}
	epoch := v.cache.begin()
	// The key alone first: a revoked key found costs one statement, not two.
	k, err := v.Client.APIKey.Query().
		Where(apikey.SecretHash(hash[:])).
		Only(allowInternal(ctx))
	if ent.IsNotFound(err) {
		v.refused.add(hash)
		return nil, ErrInvalid
	} else if err != nil {
		if counted {
			v.PerAddress.Succeeded(ip) // the database failed, not the client
		}
		return nil, err
	}
	if subtle.ConstantTimeCompare(k.SecretHash, hash[:]) != 1 || k.Status != apikey.StatusACTIVE ||
		(k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		// Revoked and expired keys never work again; an active key that will expire
		// later is not remembered as refused.
		v.refused.add(hash)
		return nil, ErrInvalid
	}
	if counted {
		v.PerAddress.Succeeded(ip)
	}
	if k.Edges.ServiceAccount, err = k.QueryServiceAccount().Only(allowInternal(ctx)); err != nil {
		return nil, err
	}
	ck, err := cached(k)
	if err != nil {
		return nil, err
	}
	v.cache.add(hash, ck, epoch)
	if !clientaddr.Allowed(ck.networks, ip) {
		return nil, ErrAddress
	}
	v.Metrics.Auth("key_verified")
	v.markUsed(hash, ck, now, ip, userAgent)
	return &ck.viewer, nil
}

// Active returns which of the keys ids still verify (active, not past their expiry),
// in one query (the connections of subscriptions are checked so).
func (v *Verifier) Active(ctx context.Context, ids []pulid.ID) (map[pulid.ID]bool, error) {
	active := make(map[pulid.ID]bool, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		found, err := v.Client.APIKey.Query().
			Where(apikey.IDIn(chunk...), apikey.StatusEQ(apikey.StatusACTIVE),
				apikey.Or(apikey.ExpiresAtIsNil(), apikey.ExpiresAtGT(time.Now()))).
			IDs(allowInternal(ctx))
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			active[id] = true
		}
	}
	return active, nil
}

// cached is what the cache keeps of a verified key k (its service account loaded).
func cached(k *ent.APIKey) (cachedKey, error) {
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
			return cachedKey{}, fmt.Errorf("key %s: stored network %q: %w", k.ID, n, err)
		}
		ck.networks = append(ck.networks, p)
	}
	return ck, nil
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
