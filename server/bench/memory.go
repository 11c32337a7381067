package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// memory measures the RSS of a server before and after warming distinct keys into its
// cache, and of a server with the cache off under the same requests (the growth that
// is not the cache's).
func (e *benchEnv) memory(ctx context.Context, dbURL string, s *seeded) error {
	n := min(e.cfg.warmKeys, len(s.secrets))
	sec := &section{title: fmt.Sprintf("Memory of %d cached keys (PostgreSQL)", n)}
	type growth struct {
		before, after int64
		heapB, heapA  float64
		metrics       []string
	}
	measure := func(name string, extra ...string) (growth, error) {
		var g growth
		srv, err := startProc(ctx, "rss-"+name, e.work, e.pin, e.serverEnv(dbURL, s, extra...), e.bin)
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
		g.heapB, _ = metric(srv.addr, "go_memstats_heap_inuse_bytes")
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
		g.heapA, _ = metric(srv.addr, "go_memstats_heap_inuse_bytes")
		g.metrics = cacheMetrics(srv.addr)
		logf("memory (%s): RSS %s before, %s after %d distinct keys (%s)", name, mib(g.before), mib(g.after), n, time.Since(t0).Round(time.Millisecond))
		return g, nil
	}
	on, err := measure("cache-on")
	if err != nil {
		return err
	}
	off, err := measure("cache-off", "APIKEYS_KEY_CACHE_SIZE=0")
	if err != nil {
		return err
	}
	// The steady state already cached the first 200 keys.
	fresh := n - 200
	perKey := float64(on.after-on.before) / float64(fresh)
	net := float64((on.after-on.before)-(off.after-off.before)) / float64(fresh)
	sec.lines = append(sec.lines,
		fmt.Sprintf("A fresh server answers 2,000 requests with 200 keys (steady state), then one request with each of %d distinct keys (the first 200 of them already cached; per-key figures divide by the others); VmRSS from /proc one second after each step. A second server with APIKEYS_KEY_CACHE_SIZE=0 gets the same requests: its growth is what is not the cache (heap headroom, buffers).", n), "",
		"| server | RSS before | RSS after | growth | per key |", "|---|---:|---:|---:|---:|",
		fmt.Sprintf("| cache on (default size) | %s | %s | %s | %.0f B |", mib(on.before), mib(on.after), mib(on.after-on.before), perKey),
		fmt.Sprintf("| cache off | %s | %s | %s | %.0f B |", mib(off.before), mib(off.after), mib(off.after-off.before), float64(off.after-off.before)/float64(fresh)),
		"", fmt.Sprintf("Cache on minus cache off: **%.0f bytes per cached key**.", net))
	if on.heapA > 0 {
		sec.lines = append(sec.lines, fmt.Sprintf("From /metrics, go_memstats_heap_inuse_bytes grew by %.0f B per key with the cache on and %.0f B with it off.",
			(on.heapA-on.heapB)/float64(fresh), (off.heapA-off.heapB)/float64(fresh)))
	}
	if len(on.metrics) > 0 {
		sec.lines = append(sec.lines, "", "Cache metrics after warming:", "", "```", strings.Join(on.metrics, "\n"), "```")
	}
	e.rep.sections = append(e.rep.sections, sec)
	e.rep.figure("PostgreSQL", fmt.Sprintf("RSS per cached key (%d keys; growth with the cache minus without)", n),
		fmt.Sprintf("%.0f B (raw growth %.0f B/key)", net, perKey), "≤ 200 B", net <= 200)
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
