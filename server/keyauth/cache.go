package keyauth

import (
	"context"
	"encoding/hex"
	"math"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"apikeys/ent/apikey"
	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
	"apikeys/server/metrics"
)

// keyCache holds recently verified, active keys (hash → caller), so that a request with
// a known key costs no database lookup. Only keys that verified go in: made-up keys are
// refused by their checksum or by the lookup and never evict good entries.
//
// Entries hold no pointers (ids as 16-byte ULIDs, names in one byte arena), so a large
// cache costs the garbage collector nothing to scan and about 100 bytes a key. When full,
// an arbitrary entry makes room (Go's map iteration order is random).
//
// Revocation removes an entry at once: on this instance after the revoking transaction
// commits, on every instance through PostgreSQL NOTIFY (see revocations.go). An epoch,
// bumped by every revocation, keeps a lookup that raced with a revocation from caching
// its stale answer; a periodic re-check of recently revoked keys bounds what a lost
// notification could leave; while the listener is down the cache is bypassed.
type keyCache struct {
	mu      sync.RWMutex
	entries map[cacheKey]cacheEntry
	names   []byte // the arena of service account names
	live    int    // bytes of names still referenced
	orgs    []ulid.ULID
	orgIdx  map[ulid.ULID]uint32 // organization → its index in orgs
	size    int
	base    int64 // the origin of cacheEntry.marked (Unix ns)
	metrics *metrics.Metrics
	epoch   atomic.Uint64
	bypass  atomic.Bool
	// networks holds the allowlists of the cached keys that have one (entry.restricted):
	// most keys have none, and their entries stay without pointers.
	networks map[cacheKey][]netip.Prefix
}

// cacheKey is the first half of a key's SHA-256: 128 bits, beyond any collision.
type cacheKey [16]byte

// cacheEntry is 56 bytes: a key's and its account's ULIDs, its organization as an index
// into the cache's few distinct organizations, its name in the arena, its expiry, where
// its last recorded use came from.
type cacheEntry struct {
	key, account ulid.ULID
	org          uint32
	nameOff      uint32
	marked       uint32 // when a use was last recorded, in seconds after base (0: not since base)
	expires      uint32 // when the key stops working, in Unix seconds (0: never); whole seconds (ent/keys)
	client       uint32 // a hash of the address of the last recorded use (recentClients)
	nameLen      uint16
	admin        bool
	restricted   bool // its allowed networks are in keyCache.networks
}

// cachedKey is a verified key as the cache hands it out.
type cachedKey struct {
	viewer   viewer.Viewer
	marked   int64
	client   uint32         // clientHash of the last recorded use's address; 0: unknown
	expires  int64          // Unix ns; 0: never
	networks []netip.Prefix // the allowed networks; empty: any address
}

func newKeyCache(size int, m *metrics.Metrics) *keyCache {
	if size <= 0 {
		return nil
	}
	return &keyCache{
		entries: make(map[cacheKey]cacheEntry), orgIdx: make(map[ulid.ULID]uint32), size: size, metrics: m,
		networks: make(map[cacheKey][]netip.Prefix),
		// Uses older than an hour before the cache began do not matter: a minute passed.
		base: time.Now().Add(-time.Hour).UnixNano(),
	}
}

// seconds turns a time (Unix ns) into cacheEntry.marked, rounding up: a use is then
// written at most once a minute, never a second early.
func (c *keyCache) seconds(ns int64) uint32 {
	if ns <= c.base {
		return 0
	}
	return uint32(min((ns-c.base+int64(time.Second)-1)/int64(time.Second), math.MaxUint32))
}

func (c *keyCache) nanos(s uint32) int64 {
	if s == 0 {
		return 0
	}
	return c.base + int64(s)*int64(time.Second)
}

func keyOf(h keys.Hash) (k cacheKey) {
	copy(k[:], h[:16])
	return k
}

func (c *keyCache) get(h keys.Hash) (cachedKey, bool) {
	if c == nil || c.bypass.Load() {
		return cachedKey{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[keyOf(h)]
	var org ulid.ULID
	var sb strings.Builder
	var networks []netip.Prefix
	if ok && e.restricted {
		networks = c.networks[keyOf(h)]
	}
	if ok {
		// The viewer's four strings in one allocation: the name, then "sa_…org_…key_…".
		org = c.orgs[e.org]
		sb.Grow(int(e.nameLen) + len("sa_org_key_") + 3*ulid.EncodedSize)
		sb.Write(c.names[e.nameOff : e.nameOff+uint32(e.nameLen)])
	}
	c.mu.RUnlock()
	if !ok {
		c.metrics.Cache("miss")
		return cachedKey{}, false
	}
	c.metrics.Cache("hit")
	role := viewer.RoleViewer
	if e.admin {
		role = viewer.RoleAdmin
	}
	nameLen := sb.Len()
	writeID(&sb, "sa_", e.account)
	saEnd := sb.Len()
	writeID(&sb, "org_", org)
	orgEnd := sb.Len()
	writeID(&sb, "key_", e.key)
	all := sb.String()
	return cachedKey{marked: c.nanos(e.marked), client: e.client, expires: int64(e.expires) * int64(time.Second), networks: networks, viewer: viewer.Viewer{
		Kind:  viewer.KindServiceAccount,
		ID:    pulid.ID(all[nameLen:saEnd]),
		Name:  all[:nameLen],
		Role:  role,
		OrgID: pulid.ID(all[saEnd:orgEnd]),
		KeyID: pulid.ID(all[orgEnd:]),
	}}, true
}

func writeID(sb *strings.Builder, prefix string, id ulid.ULID) {
	var text [ulid.EncodedSize]byte
	_ = id.MarshalTextTo(text[:])
	sb.WriteString(prefix)
	sb.Write(text[:])
}

// begin returns the epoch to pass to add after a lookup.
func (c *keyCache) begin() uint64 {
	if c == nil {
		return 0
	}
	return c.epoch.Load()
}

// add caches a verified key, unless a revocation happened since begin.
func (c *keyCache) add(h keys.Hash, k cachedKey, epoch uint64) {
	if c == nil || c.bypass.Load() {
		return
	}
	e, org, ok := compact(k)
	if !ok {
		return
	}
	e.marked = c.seconds(k.marked)
	if k.expires != 0 {
		// Rounded down: never served a moment after its expiry. Beyond 2106: never.
		e.expires = uint32(min(k.expires/int64(time.Second), math.MaxUint32))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under the lock that revoked also takes: no revocation slips in between.
	if c.epoch.Load() != epoch {
		return
	}
	key := keyOf(h)
	if old, ok := c.entries[key]; ok {
		c.live -= int(old.nameLen)
	} else if len(c.entries) >= c.size {
		for victim, old := range c.entries {
			delete(c.entries, victim)
			delete(c.networks, victim)
			c.live -= int(old.nameLen)
			c.metrics.Cache("eviction")
			break
		}
	}
	e.restricted = len(k.networks) > 0
	if e.restricted {
		c.networks[key] = k.networks
	} else {
		delete(c.networks, key)
	}
	if len(c.names) > 2*c.live+64<<10 {
		c.compactNames()
	}
	name := k.viewer.Name
	if len(name) > math.MaxUint16 {
		return
	}
	oi, ok := c.orgIdx[org]
	if !ok {
		oi = uint32(len(c.orgs))
		c.orgs = append(c.orgs, org)
		c.orgIdx[org] = oi
	}
	e.org = oi
	e.nameOff, e.nameLen = uint32(len(c.names)), uint16(len(name))
	c.names = append(c.names, name...)
	c.live += len(name)
	c.entries[key] = e
}

// compact is the pointer-free form of a key (but its name and organization), if its ids
// are the usual prefixed ULIDs.
func compact(k cachedKey) (e cacheEntry, org ulid.ULID, ok bool) {
	e.admin = k.viewer.Role == viewer.RoleAdmin
	for _, f := range []struct {
		dst    *ulid.ULID
		id     pulid.ID
		prefix string
	}{{&e.key, k.viewer.KeyID, "key"}, {&e.account, k.viewer.ID, "sa"}, {&org, k.viewer.OrgID, "org"}} {
		p, rest, _ := strings.Cut(string(f.id), "_")
		u, err := ulid.ParseStrict(rest)
		if p != f.prefix || err != nil {
			return e, org, false
		}
		*f.dst = u
	}
	return e, org, true
}

// compactNames rewrites the arena with only the names still referenced.
func (c *keyCache) compactNames() {
	names := make([]byte, 0, c.live+c.live/2)
	for k, e := range c.entries {
		off := len(names)
		names = append(names, c.names[e.nameOff:e.nameOff+uint32(e.nameLen)]...)
		e.nameOff = uint32(off)
		c.entries[k] = e
	}
	c.names = names
}

// mark records that a use of the key is being written, unless one from the same client
// address (its clientHash) was less than a minute ago; it reports whether the caller
// should write it.
func (c *keyCache) mark(h keys.Hash, now int64, client uint32) bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := keyOf(h)
	e, ok := c.entries[key]
	if !ok {
		return true
	}
	if now-c.nanos(e.marked) < int64(lastUsedGranularity) && e.client == client {
		return false
	}
	e.marked, e.client = c.seconds(now), client
	c.entries[key] = e
	return true
}

// revoked drops a key.
func (c *keyCache) revoked(h keys.Hash) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.epoch.Add(1)
	key := keyOf(h)
	e, ok := c.entries[key]
	if ok {
		delete(c.entries, key)
		delete(c.networks, key)
		c.live -= int(e.nameLen)
	}
	c.mu.Unlock()
	if ok {
		c.metrics.Cache("revocation")
	}
}

func (c *keyCache) has(h keys.Hash) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.entries[keyOf(h)]
	return ok
}

// flush drops every key; with bypass the cache also stops serving until resumed.
func (c *keyCache) flush(bypass bool) {
	if c == nil {
		return
	}
	if bypass {
		c.bypass.Store(true)
	}
	c.clear()
	c.metrics.Cache("flush")
}

func (c *keyCache) resume() {
	if c == nil {
		return
	}
	c.clear()
	c.bypass.Store(false)
}

func (c *keyCache) clear() {
	c.mu.Lock()
	c.epoch.Add(1)
	c.entries = make(map[cacheKey]cacheEntry)
	c.networks = make(map[cacheKey][]netip.Prefix)
	c.names, c.live = nil, 0
	c.orgs, c.orgIdx = nil, make(map[ulid.ULID]uint32)
	c.mu.Unlock()
}

func (c *keyCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func hashOf(b []byte) (keys.Hash, bool) {
	var h keys.Hash
	if len(b) != len(h) {
		return h, false
	}
	copy(h[:], b)
	return h, true
}

func parseHex(s string) (keys.Hash, bool) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return keys.Hash{}, false
	}
	return hashOf(b)
}

// recheckRevoked drops every key revoked since the last check: the bound on how long a
// lost notification could leave a revoked key cached.
func (v *Verifier) recheckRevoked(ctx context.Context, every time.Duration) {
	if v.cache == nil {
		return
	}
	since := time.Now().UTC().Add(-every)
	repeat(ctx, every, func() {
		now := time.Now().UTC()
		var rows []struct {
			SecretHash []byte `json:"secret_hash"`
		}
		// Overlap the windows, so that a commit whose revoked_at is a little older than
		// its visibility is not missed.
		err := v.Client.APIKey.Query().
			Where(apikey.RevokedAtGTE(since.Add(-5*time.Second))).
			Select(apikey.FieldSecretHash).
			Scan(allowInternal(ctx), &rows)
		if err != nil {
			if ctx.Err() == nil {
				v.Log.WarnContext(ctx, "keyauth: re-checking revoked keys", "err", err)
				v.cache.flush(false)
			}
			return
		}
		for _, r := range rows {
			if h, ok := hashOf(r.SecretHash); ok {
				if v.cache.has(h) {
					v.cache.revoked(h)
				}
			}
		}
		since = now
	})
}

// repeat calls f every interval until ctx ends.
func repeat(ctx context.Context, every time.Duration, f func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// Listening reports whether the cache serves: on PostgreSQL, whether the revocation
// listener is up.
func (v *Verifier) Listening() bool { return v.cache != nil && !v.cache.bypass.Load() }

// refusedKeysSize bounds the memory of refused keys: 10,000 × 16 bytes and a map's slots.
const refusedKeysSize = 10_000

// refusedKeys remembers keys whose lookup found them unknown, revoked or expired, which
// never work again (a secret is known only once its key is stored), so that retries
// with them cost no database work and count against no address. Bounded: when full, an
// arbitrary entry makes room. A nil set remembers nothing.
type refusedKeys struct {
	mu   sync.Mutex
	keys map[cacheKey]struct{}
	size int
}

func newRefusedKeys(size int) *refusedKeys {
	return &refusedKeys{keys: make(map[cacheKey]struct{}), size: size}
}

func (r *refusedKeys) has(h keys.Hash) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.keys[keyOf(h)]
	return ok
}

func (r *refusedKeys) add(h keys.Hash) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.keys) >= r.size {
		for k := range r.keys {
			delete(r.keys, k)
			break
		}
	}
	r.keys[keyOf(h)] = struct{}{}
}
