package keyauth

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/keys"
	"apikeys/ent/schema"
	"apikeys/ent/schema/keyuse"
	"apikeys/ent/schema/pulid"
)

// Key uses are recorded in memory and written in batches (every FlushUsageEvery), at
// most once a minute per key and client address, so that no request waits for a write.
// A write only moves last_used_at forward, whichever instance writes first; the key's
// recent clients (the last 5 distinct addresses) are merged in the same statement.
type usage struct {
	mu       sync.Mutex
	pending  map[pulid.ID]*pendingUse
	postgres bool
}

// pendingUse is what is to be written of a key: its last use, and the clients seen
// since the last write, oldest first.
type pendingUse struct {
	at      time.Time
	clients []keyuse.Client
}

// usageChunk is how many key uses one statement writes.
const usageChunk = 500

// clientHash identifies a client address in a cache entry (never 0: 0 is "unknown").
func clientHash(addr string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(addr))
	return h.Sum32() | 1
}

// markUsed records a use of the key from addr, unless one from the same address was
// recorded less than a minute ago (ck.marked and ck.client, and the cache's entry, which
// concurrent requests share). A key not cached has no address to compare: a minute.
func (v *Verifier) markUsed(h keys.Hash, ck cachedKey, now time.Time, addr, userAgent string) {
	client := clientHash(addr)
	if now.UnixNano()-ck.marked < int64(lastUsedGranularity) && (ck.client == 0 || ck.client == client) {
		return
	}
	if !v.cache.mark(h, now.UnixNano(), client) {
		return
	}
	c := keyuse.Client{Address: addr, UserAgent: schema.ClientText(userAgent, 512), LastSeenAt: now.UTC()}
	v.usage.mu.Lock()
	defer v.usage.mu.Unlock()
	if v.usage.pending == nil {
		v.usage.pending = map[pulid.ID]*pendingUse{}
	}
	p := v.usage.pending[ck.viewer.KeyID]
	if p == nil {
		p = &pendingUse{}
		v.usage.pending[ck.viewer.KeyID] = p
	}
	p.at = now.UTC()
	if len(p.clients) < keyuse.MaxClients {
		p.clients = append(p.clients, c)
	} else {
		p.clients = append(p.clients[1:], c)
	}
}

// FlushUsage writes the recorded uses: per 500 keys, one query for their recent clients
// and one statement, in one transaction, the keys in order of id (so that instances
// writing the same keys take their row locks in the same order).
func (v *Verifier) FlushUsage(ctx context.Context) error {
	v.usage.mu.Lock()
	pending := v.usage.pending
	v.usage.pending = nil
	v.usage.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(pending))
	return audit.InTx(allowInternal(ctx), v.Client, func(c *ent.Client) error {
		for chunk := range slices.Chunk(ids, usageChunk) {
			stored, err := c.APIKey.Query().Where(apikey.IDIn(chunk...)).
				Select(apikey.FieldID, apikey.FieldRecentClients).All(allowInternal(ctx))
			if err != nil {
				return err
			}
			recent := make(map[pulid.ID][]keyuse.Client, len(stored))
			for _, k := range stored {
				recent[k.ID] = k.RecentClients
			}
			query, args, err := v.usage.statement(chunk, pending, recent)
			if err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, query, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// statement is the UPDATE of the uses of ids: each key's last_used_at (and
// last_used_order, what the keys sort by) moves forward to its use, and its recent
// clients take the new ones, from a derived table of (id, at, clients) rows (UPDATE …
// FROM, in PostgreSQL and in SQLite since 3.33).
func (u *usage) statement(ids []pulid.ID, pending map[pulid.ID]*pendingUse, recent map[pulid.ID][]keyuse.Client) (string, []any, error) {
	var b strings.Builder
	args := make([]any, 0, 3*len(ids))
	b.WriteString(`UPDATE api_keys SET
  last_used_at = CASE WHEN api_keys.last_used_at IS NULL OR api_keys.last_used_at < u.at THEN u.at ELSE api_keys.last_used_at END,
  last_used_order = CASE WHEN api_keys.last_used_at IS NULL OR api_keys.last_used_at < u.at THEN u.at ELSE api_keys.last_used_order END,
  recent_clients = u.clients
FROM (`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		clients := recent[id]
		for _, c := range pending[id].clients {
			clients = keyuse.Merge(clients, c)
		}
		encoded, err := json.Marshal(clients)
		if err != nil {
			return "", nil, err
		}
		args = append(args, string(id), pending[id].at, string(encoded))
		if u.postgres {
			fmt.Fprintf(&b, "SELECT $%d::text AS id, $%d::timestamptz AS at, $%d::text AS clients", len(args)-2, len(args)-1, len(args))
		} else {
			b.WriteString("SELECT ? AS id, ? AS at, ? AS clients")
		}
	}
	b.WriteString(") AS u WHERE api_keys.id = u.id")
	return b.String(), args, nil
}

func (v *Verifier) flushUsageEvery(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func() {
		if err := v.FlushUsage(ctx); err != nil && ctx.Err() == nil {
			v.Log.WarnContext(ctx, "keyauth: recording key uses", "err", err)
		}
	})
}
