package keyauth

import (
	"crypto/sha256"
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

func testKey(i int) (keys.Hash, cachedKey) {
	return sha256.Sum256(fmt.Append(nil, i)), cachedKey{viewer: viewer.Viewer{
		Kind: viewer.KindServiceAccount, ID: pulid.New("sa"), Name: fmt.Sprintf("Integration %d", i),
		Role: viewer.RoleAdmin, OrgID: pulid.New("org"), KeyID: pulid.New("key"),
	}}
}

func TestKeyCacheKeepsWhatItIsGiven(t *testing.T) {
	c := newKeyCache(3, nil)
	h, k := testKey(1)
	c.add(h, k, c.begin())
	got, ok := c.get(h)
	if !ok || got.viewer != k.viewer {
		t.Fatalf("get = %+v, %v; want %+v", got.viewer, ok, k.viewer)
	}
	// Bounded: the oldest or any other entry makes room.
	for i := 2; i <= 5; i++ {
		h, k := testKey(i)
		c.add(h, k, c.begin())
	}
	if c.len() != 3 {
		t.Fatalf("len = %d, want 3", c.len())
	}
}

func TestKeyCacheNamesSurviveCompaction(t *testing.T) {
	c := newKeyCache(10, nil)
	want := map[keys.Hash]cachedKey{}
	for i := range 20_000 { // many evictions: the arena is compacted several times
		h, k := testKey(i)
		c.add(h, k, c.begin())
		want[h] = k
	}
	n := 0
	for h, k := range want {
		if got, ok := c.get(h); ok {
			n++
			if got.viewer != k.viewer {
				t.Fatalf("after compactions get = %+v, want %+v", got.viewer, k.viewer)
			}
		}
	}
	if n != 10 || len(c.names) > 2*c.live+64<<10 {
		t.Fatalf("%d entries, arena %d bytes for %d live", n, len(c.names), c.live)
	}
}

func TestKeyCacheRevocations(t *testing.T) {
	c := newKeyCache(10, nil)
	h, k := testKey(1)
	c.add(h, k, c.begin())
	c.revoked(h)
	if _, ok := c.get(h); ok {
		t.Fatal("a revoked key is still cached")
	}
	// A lookup that began before a revocation does not cache its answer.
	epoch := c.begin()
	c.revoked(h)
	c.add(h, k, epoch)
	if _, ok := c.get(h); ok {
		t.Fatal("a stale lookup was cached")
	}
	// While bypassed (listener down) nothing is served or added.
	c.flush(true)
	c.add(h, k, c.begin())
	if _, ok := c.get(h); ok {
		t.Fatal("served while bypassed")
	}
	c.resume()
	c.add(h, k, c.begin())
	if _, ok := c.get(h); !ok {
		t.Fatal("not served after resume")
	}
}

func TestKeyCacheMarksUseOnceAMinute(t *testing.T) {
	c := newKeyCache(10, nil)
	h, k := testKey(1)
	c.add(h, k, c.begin())
	now := time.Now().UnixNano()
	office, home := clientHash("203.0.113.7"), clientHash("2001:db8::7")
	if !c.mark(h, now, office) || c.mark(h, now+int64(time.Second), office) {
		t.Fatal("marked twice within a minute")
	}
	// Another address is recorded at once (recentClients), then it too once a minute.
	if !c.mark(h, now+int64(2*time.Second), home) || c.mark(h, now+int64(3*time.Second), home) {
		t.Fatal("a new address not marked at once, or marked twice")
	}
	if !c.mark(h, now+int64(63*time.Second), home) {
		t.Fatal("not marked after a minute")
	}
}

// The bound: a cached key costs at most 200 bytes of live heap (entries, the
// map's slots at whatever load, names, organizations), measured after collections.
func TestKeyCacheCostsUnder200BytesAKey(t *testing.T) {
	if s := unsafe.Sizeof(cacheEntry{}); s != 56 {
		t.Errorf("cacheEntry is %d bytes, want 56", s)
	}
	const n = 100_000
	orgs := make([]pulid.ID, 1000)
	for i := range orgs {
		orgs[i] = pulid.New("org")
	}
	live := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := live()
	c := newKeyCache(n, nil)
	for i := range n {
		h := sha256.Sum256(fmt.Append(nil, i))
		c.add(h, cachedKey{marked: time.Now().UnixNano(), viewer: viewer.Viewer{
			Kind: viewer.KindServiceAccount, ID: pulid.New("sa"), Name: fmt.Sprintf("Billing export %d", i),
			Role: viewer.RoleViewer, OrgID: orgs[i%len(orgs)], KeyID: pulid.New("key"),
		}}, c.begin())
	}
	after := live()
	per := float64(after-before) / float64(n)
	t.Logf("%d cached keys: %.0f bytes of live heap each", c.len(), per)
	if c.len() != n || per > 200 {
		t.Fatalf("%d keys cost %.0f bytes each, want at most 200", c.len(), per)
	}
	runtime.KeepAlive(c)
}

// A cached key keeps its expiry to the second (ent/keys keeps expiries to the second):
// verifyKey refuses it from that second without a lookup.
func TestKeyCacheKeepsTheExpiry(t *testing.T) {
	c := newKeyCache(3, nil)
	h, k := testKey(1)
	at := time.Date(2027, 3, 1, 12, 0, 5, 0, time.UTC)
	k.expires = at.UnixNano()
	c.add(h, k, c.begin())
	got, ok := c.get(h)
	if !ok || got.expires != at.UnixNano() {
		t.Fatalf("expires = %v, want %v", time.Unix(0, got.expires).UTC(), at)
	}
	h2, k2 := testKey(2)
	k2.expires = at.Add(300 * time.Millisecond).UnixNano() // not to the second: rounded down, never later
	c.add(h2, k2, c.begin())
	if got, _ := c.get(h2); got.expires != at.UnixNano() {
		t.Fatalf("expires = %v, want %v", time.Unix(0, got.expires).UTC(), at)
	}
	h3, k3 := testKey(3)
	c.add(h3, k3, c.begin())
	if got, _ := c.get(h3); got.expires != 0 {
		t.Fatalf("a key without expiry: expires = %d", got.expires)
	}
}

// BenchmarkVerifyCachedKey is the cache-hit path of verifyKey (parse, lookup, expiry
// check, allowlist, use marking) for a key without and with an expiry and with 100
// allowed networks (the client's last), side by side (issue 10: the expiry check may
// cost at most 3%; issue 11: an allowlist of 100 at most 5%).
func BenchmarkVerifyCachedKey(b *testing.B) {
	for _, name := range []string{"never-expires", "expires", "100-networks"} {
		b.Run(name, func(b *testing.B) {
			a := &Verifier{cache: newKeyCache(1000, nil)}
			secret, err := keys.Generate()
			if err != nil {
				b.Fatal(err)
			}
			h := sha256.Sum256([]byte(secret))
			_, k := testKey(1)
			if name == "expires" {
				k.expires = time.Now().Add(time.Hour).Truncate(time.Second).UnixNano()
			}
			if name == "100-networks" {
				// 99 networks that do not match, then the client's: the worst case.
				for i := range 99 {
					k.networks = append(k.networks, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
				}
				k.networks = append(k.networks, netip.MustParsePrefix("192.0.2.0/24"))
			}
			k.marked = time.Now().UnixNano() // used a moment ago: nothing to write
			a.cache.add(h, k, a.cache.begin())
			header := []string{"Bearer " + secret}
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Verify(ctx, header, "192.0.2.1", "bench/1.0"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
