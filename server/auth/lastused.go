package auth

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
)

// Key uses are recorded in memory and written in batches (every FlushUsageEvery), at
// most once a minute per key, so that no request waits for a write. A write only moves
// last_used_at forward, whichever instance writes first.
type usage struct {
	mu       sync.Mutex
	pending  map[pulid.ID]time.Time
	postgres bool
}

// usageChunk is how many key uses one statement writes.
const usageChunk = 500

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

// FlushUsage writes the recorded uses: one statement per 500 keys, in one transaction,
// the keys in order of id (so that instances writing the same keys take their row locks
// in the same order).
func (a *Authenticator) FlushUsage(ctx context.Context) error {
	a.usage.mu.Lock()
	pending := a.usage.pending
	a.usage.pending = nil
	a.usage.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(pending))
	return WithTx(allowInternal(ctx), a.Client, func(c *ent.Client) error {
		for chunk := range slices.Chunk(ids, usageChunk) {
			query, args := a.usage.statement(chunk, pending)
			if _, err := c.ExecContext(ctx, query, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// statement is the UPDATE of the uses of ids: each key's last_used_at (and
// last_used_order, what the keys sort by) moves forward to its use, from a derived table of (id, at) rows (UPDATE … FROM, in PostgreSQL and in
// SQLite since 3.33).
func (u *usage) statement(ids []pulid.ID, at map[pulid.ID]time.Time) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(ids))
	b.WriteString("UPDATE api_keys SET last_used_at = u.at, last_used_order = u.at FROM (")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		args = append(args, string(id), at[id])
		if u.postgres {
			fmt.Fprintf(&b, "SELECT $%d::text AS id, $%d::timestamptz AS at", len(args)-1, len(args))
		} else {
			b.WriteString("SELECT ? AS id, ? AS at")
		}
	}
	b.WriteString(") AS u WHERE api_keys.id = u.id AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < u.at)")
	return b.String(), args
}

func (a *Authenticator) flushUsageEvery(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func() {
		if err := a.FlushUsage(ctx); err != nil && ctx.Err() == nil {
			a.Log.WarnContext(ctx, "auth: recording key uses", "err", err)
		}
	})
}
