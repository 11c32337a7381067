package keyauth

import (
	"context"
	"sync"
	"time"

	"github.com/bits-and-blooms/bloom/v3"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
)

// knownKeys is a Bloom filter of the keys that may verify: those active when it was
// loaded and every key created since (on this instance at once, on the others through
// NOTIFY). When an address has spent its failed lookups, a key the filter knows is still
// looked up, so that a valid key is never refused for what others behind its address
// did (a NAT, a cluster's egress), while made-up keys, all but about 1 in 100 of which
// the filter rejects, are refused without the database. A key revoked since the load
// stays in the filter: it costs one lookup, then the memory of refused keys answers.
//
// It is sized for twice the active keys (10 bits a key: 1% false positives when full,
// fewer until then) and read again, twice as large, when full. Until it is first read it
// knows no key: the limit alone decides, as without it. After the listener reconnects
// (creations announced meanwhile were lost) it is read again, the old one serving.
type knownKeys struct {
	mu       sync.RWMutex
	filter   *bloom.BloomFilter
	ready    bool
	n, limit uint
	loading  bool
	pending  [][]byte // created while loading
	load     func()   // reloads, in the background
}

// minKnownCapacity is the smallest filter: 100,000 keys, 120 KB.
const minKnownCapacity = 100_000

func (k *knownKeys) mayExist(h keys.Hash) bool {
	if k == nil {
		return false
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.ready && k.filter.Test(h[:])
}

// add makes a new key known; past the filter's capacity it is read again, larger.
func (k *knownKeys) add(h []byte) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loading {
		k.pending = append(k.pending, h)
	}
	if k.filter == nil {
		return
	}
	k.filter.Add(h)
	k.n++
	if k.n > k.limit && !k.loading && k.load != nil {
		k.loading = true
		go k.load()
	}
}

// reload marks the filter as being rebuilt; it reports false if it already is.
func (k *knownKeys) reload() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loading {
		return false
	}
	k.loading = true
	return true
}

// loadKnown reads the hashes of the active keys, a page at a time, into a new filter
// and puts it in place with the keys created meanwhile.
func (v *Verifier) loadKnown(ctx context.Context) {
	k := v.known
	start := time.Now()
	f, n, capacity, err := v.readKnown(ctx)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.loading = false
	if err != nil {
		if ctx.Err() == nil {
			v.Log.WarnContext(ctx, "keyauth: loading the known keys", "err", err)
		}
		k.pending = nil
		return
	}
	for _, h := range k.pending {
		f.Add(h)
		n++
	}
	k.filter, k.n, k.limit, k.ready, k.pending = f, n, capacity, true, nil
	v.Log.InfoContext(ctx, "keyauth: known keys loaded", "keys", n, "bytes", f.Cap()/8, "took", time.Since(start).Round(time.Millisecond))
}

// readKnown returns a filter of twice the active keys' number (at least
// minKnownCapacity) holding them, how many it holds and its capacity.
func (v *Verifier) readKnown(ctx context.Context) (*bloom.BloomFilter, uint, uint, error) {
	ctx = allowInternal(ctx)
	count, err := v.Client.APIKey.Query().Where(apikey.StatusEQ(apikey.StatusACTIVE)).Count(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	capacity := max(2*uint(count), minKnownCapacity)
	f := bloom.NewWithEstimates(capacity, 0.01)
	var (
		n    uint
		last pulid.ID
	)
	for {
		var page []*ent.APIKey
		page, err = v.Client.APIKey.Query().
			Where(apikey.StatusEQ(apikey.StatusACTIVE), apikey.IDGT(last)).
			Order(apikey.ByID()).Limit(10_000).
			Select(apikey.FieldID, apikey.FieldSecretHash).
			All(ctx)
		if err != nil {
			return nil, 0, 0, err
		}
		for _, key := range page {
			f.Add(key.SecretHash)
			n++
		}
		if len(page) < 10_000 {
			return f, n, capacity, nil
		}
		last = page[len(page)-1].ID
	}
}
