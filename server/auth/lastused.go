package auth

import (
	"context"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/schema/pulid"
	"apikeys/server/keys"
)

// Key uses are recorded in memory and written in batches (every FlushEvery), at most
// once a minute per key, so that no request waits for a write. A write only moves
// last_used_at forward, whichever instance writes first.
type usage struct {
	mu      sync.Mutex
	pending map[pulid.ID]time.Time
}

// markUsed records a use of the key, unless one was recorded less than a minute ago
// (ck.marked, and the cache's entry, which concurrent requests share).
func (a *Authenticator) markUsed(h keys.Hash, ck cachedKey, now time.Time) {
	if now.UnixNano()-ck.marked < int64(lastUsedGranularity) || !a.cache.mark(h, now.UnixNano()) {
		return
	}
	a.usage.mu.Lock()
	if a.usage.pending == nil {
		a.usage.pending = map[pulid.ID]time.Time{}
	}
	a.usage.pending[ck.viewer.KeyID] = now.UTC()
	a.usage.mu.Unlock()
}

// FlushUsage writes the recorded uses.
func (a *Authenticator) FlushUsage(ctx context.Context) error {
	a.usage.mu.Lock()
	pending := a.usage.pending
	a.usage.pending = nil
	a.usage.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	ctx = allowInternal(ctx)
	return WithTx(ctx, a.Client, func(c *ent.Client) error {
		for id, at := range pending {
			err := c.APIKey.Update().
				Where(apikey.ID(id), apikey.Or(apikey.LastUsedAtIsNil(), apikey.LastUsedAtLT(at))).
				SetLastUsedAt(at).
				Exec(ctx)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (a *Authenticator) flushUsageEvery(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func() {
		if err := a.FlushUsage(ctx); err != nil && ctx.Err() == nil {
			a.Log.WarnContext(ctx, "auth: recording key uses", "err", err)
		}
	})
}
