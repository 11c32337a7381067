package auth

import (
	"context"
	"encoding/hex"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"apikeys/ent/apikey"
	"apikeys/ent/viewer"
	"apikeys/server/keys"
	"apikeys/server/metrics"
)

// keyCache holds recently verified, active keys (hash → viewer), so that a request with
// a known key costs no database lookup. Only keys that verified go in: made-up keys are
// refused by their checksum or by the lookup and never evict good entries.
//
// Revocation removes an entry at once: on this instance after the revoking transaction
// commits, on every instance through PostgreSQL NOTIFY (see revocations.go). An epoch,
// bumped by every revocation, keeps a lookup that raced with a revocation from caching
// its stale answer; a periodic re-check of recently revoked keys bounds what a lost
// notification could leave; while the listener is down the cache is bypassed.
type keyCache struct {
	lru     *lru.Cache[keys.Hash, *cachedKey]
	metrics *metrics.Metrics
	epoch   atomic.Uint64
	bypass  atomic.Bool
}

type cachedKey struct {
	viewer viewer.Viewer
	// marked is when a use was last recorded (Unix nanoseconds), see markUsed.
	marked atomic.Int64
}

func newKeyCache(size int, m *metrics.Metrics) *keyCache {
	if size <= 0 {
		return nil
	}
	c := &keyCache{metrics: m}
	l, err := lru.NewWithEvict(size, func(keys.Hash, *cachedKey) { m.Cache("eviction") })
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	c.lru = l
	return c
}

func (c *keyCache) get(h keys.Hash) (*cachedKey, bool) {
	if c == nil || c.bypass.Load() {
		return nil, false
	}
	k, ok := c.lru.Get(h)
	if ok {
		c.metrics.Cache("hit")
	} else {
		c.metrics.Cache("miss")
	}
	return k, ok
}

// begin returns the epoch to pass to add after a lookup.
func (c *keyCache) begin() uint64 {
	if c == nil {
		return 0
	}
	return c.epoch.Load()
}

// add caches a verified key, unless a revocation happened since begin.
func (c *keyCache) add(h keys.Hash, k *cachedKey, epoch uint64) {
	if c == nil || c.bypass.Load() || c.epoch.Load() != epoch {
		return
	}
	c.lru.Add(h, k)
	// A revocation between the check and the add: take the entry out again.
	if c.epoch.Load() != epoch {
		c.lru.Remove(h)
	}
}

// revoked drops a key.
func (c *keyCache) revoked(h keys.Hash) {
	if c == nil {
		return
	}
	c.epoch.Add(1)
	if c.lru.Remove(h) {
		c.metrics.Cache("revocation")
	}
}

// flush drops every key; with bypass the cache also stops serving until resumed.
func (c *keyCache) flush(bypass bool) {
	if c == nil {
		return
	}
	c.epoch.Add(1)
	if bypass {
		c.bypass.Store(true)
	}
	c.lru.Purge()
	c.metrics.Cache("flush")
}

func (c *keyCache) resume() {
	if c == nil {
		return
	}
	c.epoch.Add(1)
	c.lru.Purge()
	c.bypass.Store(false)
}

func (c *keyCache) len() int {
	if c == nil {
		return 0
	}
	return c.lru.Len()
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
func (a *Authenticator) recheckRevoked(ctx context.Context, every time.Duration) {
	if a.cache == nil {
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
		err := a.Client.APIKey.Query().
			Where(apikey.RevokedAtGTE(since.Add(-5*time.Second))).
			Select(apikey.FieldSecretHash).
			Scan(allowInternal(ctx), &rows)
		if err != nil {
			if ctx.Err() == nil {
				a.Log.WarnContext(ctx, "auth: re-checking revoked keys", "err", err)
				a.cache.flush(false)
			}
			return
		}
		for _, r := range rows {
			if h, ok := hashOf(r.SecretHash); ok {
				if _, cached := a.cache.lru.Peek(h); cached {
					a.cache.revoked(h)
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
func (a *Authenticator) Listening() bool { return a.cache != nil && !a.cache.bypass.Load() }
