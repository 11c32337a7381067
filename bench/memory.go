package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memory measures the RSS of a server before and after warming distinct keys into its
// cache, and of a server with the cache off under the same requests (the growth that
// is not the cache's).
func (e *benchEnv) memory(ctx context.Context, dbURL string, s *seeded) error {
	n := min(e.cfg.warmKeys, len(s.secrets))
	sec := &section{title: fmt.Sprintf("Memory of %d cached keys (PostgreSQL)", n)}
	type growth struct {
		before, after     int64 // RSS as the server runs
		beforeGC, afterGC int64 // RSS after a full collection (SIGUSR1 to `bench serve`)
		liveB, liveA      float64
		heapB, heapA      float64
		metrics           []string
	}
	// collected asks the server for a full collection (returning freed memory to the
	// system) and reads its RSS and live heap.
	collected := func(srv *proc) (int64, float64) {
		if err := syscall.Kill(srv.pid, syscall.SIGUSR1); err != nil {
			return 0, 0
		}
		time.Sleep(time.Second)
		rss, _ := rssBytes(srv.pid)
		live, _ := metric(srv.metricsAddr, "go_memstats_heap_alloc_bytes")
		return rss, live
	}
	measure := func(name string, extra ...string) (growth, error) {
		var g growth
		srv, err := e.startProbed(ctx, "rss-"+name, e.pin, e.serverEnv(dbURL, s, extra...))
		if err != nil {
			return g, err
		}
		defer srv.stop()
		reqs := make([][]byte, n)
		for i := range reqs {
			reqs[i] = rawRequest(srv.addr, "/graphql", viewerQuery, s.secrets[i])
		}
		t := target{addr: srv.addr, status: 200, pid: srv.pid}
		// Steady state first: the same 200 keys over and over.
		base := make([][]byte, 0, 2000)
		for i := 0; i < 2000; i++ {
			base = append(base, reqs[i%200])
		}
		if res, err := onePass(ctx, t, 8, base); err != nil || res.errors > 0 {
			return g, fmt.Errorf("%s: warm-up: %v %s", name, err, res.firstErr)
		}
		time.Sleep(time.Second)
		g.before, _ = rssBytes(srv.pid)
		g.heapB, _ = metric(srv.metricsAddr, "go_memstats_heap_inuse_bytes")
		g.beforeGC, g.liveB = collected(srv)
		t0 := time.Now()
		res, err := onePass(ctx, t, 8, reqs)
		if err != nil {
			return g, err
		}
		if res.errors > 0 {
			return g, fmt.Errorf("%s: warming %d keys: %d errors, first: %s", name, n, res.errors, res.firstErr)
		}
		time.Sleep(time.Second)
		g.after, _ = rssBytes(srv.pid)
		g.heapA, _ = metric(srv.metricsAddr, "go_memstats_heap_inuse_bytes")
		g.afterGC, g.liveA = collected(srv)
		g.metrics = cacheMetrics(srv.metricsAddr)
		logf("memory (%s): RSS %s before, %s after %d distinct keys (%s); after full collections %s and %s",
			name, mib(g.before), mib(g.after), n, time.Since(t0).Round(time.Millisecond), mib(g.beforeGC), mib(g.afterGC))
		return g, nil
	}
	// Uses of keys wait in memory until written (every APIKEYS_LAST_USED_FLUSH, 10 s by
	// default): written every 250 ms here, so that neither server holds them when read.
	flush := "APIKEYS_LAST_USED_FLUSH=250ms"
	on, err := measure("cache-on", flush)
	if err != nil {
		return err
	}
	off, err := measure("cache-off", flush, "APIKEYS_KEY_CACHE_SIZE=0")
	if err != nil {
		return err
	}
	// The steady state already cached the first 200 keys.
	fresh := float64(n - 200)
	per := func(a, b int64) float64 { return float64(b-a) / fresh }
	rawNet := per(on.before, on.after) - per(off.before, off.after)
	net := per(on.beforeGC, on.afterGC) - per(off.beforeGC, off.afterGC)
	sec.lines = append(sec.lines,
		fmt.Sprintf("A fresh server answers 2,000 requests with 200 keys (steady state), then one request with each of %d distinct keys (the first 200 of them already cached; per-key figures divide by the others). VmRSS is read from /proc twice after each step: as the server runs (one second later), and after a full garbage collection that returns freed memory to the system (SIGUSR1 to `bench serve`, which runs the server as `apikeys serve` does and then `debug.FreeOSMemory`). The first includes the collector's headroom, which grows with the live heap (the server's GOGC=400 lets the heap reach five times what is live before collecting) and with whatever garbage the requests left; the second is what the keys hold. Key uses are written every 250 ms, so that neither server still holds them. A second server with APIKEYS_KEY_CACHE_SIZE=0 gets the same requests: its growth is what is not the cache (buffers, connections, the runtime).", n), "",
		"| server | RSS before | RSS after | growth | per key | after a full collection: before | after | per key | live heap per key |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
		fmt.Sprintf("| cache on (default size) | %s | %s | %s | %.0f B | %s | %s | %.0f B | %.0f B |", mib(on.before), mib(on.after), mib(on.after-on.before), per(on.before, on.after),
			mib(on.beforeGC), mib(on.afterGC), per(on.beforeGC, on.afterGC), (on.liveA-on.liveB)/fresh),
		fmt.Sprintf("| cache off | %s | %s | %s | %.0f B | %s | %s | %.0f B | %.0f B |", mib(off.before), mib(off.after), mib(off.after-off.before), per(off.before, off.after),
			mib(off.beforeGC), mib(off.afterGC), per(off.beforeGC, off.afterGC), (off.liveA-off.liveB)/fresh),
		"", fmt.Sprintf("Cache on minus cache off, after full collections: **%.0f bytes per cached key** (as the servers run, with the collector's headroom: %.0f B).", net, rawNet))
	if on.heapA > 0 {
		sec.lines = append(sec.lines, fmt.Sprintf("From /metrics, go_memstats_heap_inuse_bytes grew by %.0f B per key with the cache on and %.0f B with it off (before the collections).",
			(on.heapA-on.heapB)/fresh, (off.heapA-off.heapB)/fresh))
	}
	if len(on.metrics) > 0 {
		sec.lines = append(sec.lines, "", "Cache metrics after warming:", "", "```", strings.Join(on.metrics, "\n"), "```")
	}
	e.rep.sections = append(e.rep.sections, sec)
	liveNet := (on.liveA-on.liveB)/fresh - (off.liveA-off.liveB)/fresh
	e.rep.figure("PostgreSQL", fmt.Sprintf("memory per cached key (%d keys; growth with the cache minus without, after full collections)", n),
		fmt.Sprintf("RSS %.0f B, live heap %.0f B (RSS as running, with the collector's headroom: %.0f B)", net, liveNet, rawNet), "≤ 200 B", net <= 200)
	return nil
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// metric reads one unlabelled sample from the server's /metrics, if it has one.
func metric(addr, name string) (float64, error) {
	for _, line := range scrape(addr) {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(rest), 64)
		}
	}
	return 0, fmt.Errorf("no %s", name)
}

// cacheMetrics returns the samples of /metrics about the key cache.
func cacheMetrics(addr string) []string {
	var out []string
	for _, line := range scrape(addr) {
		if !strings.HasPrefix(line, "#") && strings.Contains(line, "cache") && !strings.HasPrefix(line, "go_") {
			out = append(out, line)
		}
	}
	return out
}

func scrape(addr string) []string {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		return nil
	}
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
