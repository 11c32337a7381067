package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// benchEnv is what every part shares.
type benchEnv struct {
	cfg *config
	// bin is the server as shipped; exe is this program, whose `serve` runs the same
	// server with the bench's probes (runServe).
	bin  string
	exe  string
	work string
	rep  *report
	pin  bool
	// cleanups run at the end of the PostgreSQL part (schemas made along the way).
	cleanups []func()
}

// serverEnv is the environment of a server on dbURL.
func (e *benchEnv) serverEnv(dbURL string, s *seeded, extra ...string) []string {
	env := []string{
		"DATABASE_URL=" + dbURL,
		"APIKEYS_ADDR=127.0.0.1:0",
		"APIKEYS_STATIC_DIR=" + filepath.Join(e.work, "no-static"),
	}
	return append(env, extra...)
}

// startServer starts the shipped server.
func (e *benchEnv) startServer(ctx context.Context, name string, pin bool, env []string) (*proc, error) {
	return started(startProc(ctx, name, e.work, pin, env, e.bin))
}

// startProbed starts `bench serve`: the same server with the bench's probes (a full
// collection on SIGUSR1; BENCH_FIXED_VIEWER_KEY in env for no authentication).
func (e *benchEnv) startProbed(ctx context.Context, name string, pin bool, env []string) (*proc, error) {
	if e.cfg.profile != "" {
		env = append(env, cpuProfileEnv+"="+filepath.Join(e.cfg.profile, name+".cpu.pprof"))
	}
	return started(startProc(ctx, name, e.work, pin, env, e.exe, "serve"))
}

// started waits until the server p has done its start-up work: reading the hashes of
// the active keys into its filter of known keys (in the background, 1.7 s of its CPU
// at 1,000,000 keys), which measurements beside it would be charged for (measured right
// after their servers started, a page's p99 was 54 ms and a revocation's 37 ms).
func started(p *proc, err error) (*proc, error) {
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		log := tail(p.log, 1<<20)
		if strings.Contains(log, "known keys loaded") || strings.Contains(log, "keyauth: loading the known keys") {
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited while starting: %s", p.name, tail(p.log, 2000))
		default:
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not load its known keys within 2 minutes: %s", p.name, tail(p.log, 2000))
		}
	}
}

// caseDef is one of the side-by-side cases (1-4, and the floor's 5-7).
type caseDef struct {
	n    int
	name string
	t    target
	info bool // measured for the explanation only: closed loop, no target
}

// caseRound is one case's figures in one round.
type caseRound struct {
	closed, open loadResult
}

// caseRun is what the cases measured on one database.
type caseRun struct {
	db     string
	rate   float64
	sat    [6]float64 // calibration throughput by case
	cases  []caseDef
	rounds [][]caseRound // [round][case index]
	// mixed are, by round, the open-loop runs of one stream alternating cases 2 and 3
	// (one server, without and with a key). Not 3 and 4: they are two servers pinned
	// to one CPU, which would load each other.
	mixed [][2]loadResult
}

// cases runs cases 1-7 on dbURL in interleaved rounds.
func (e *benchEnv) cases(ctx context.Context, db, dbURL string, s *seeded) (*caseRun, error) {
	cfg := e.cfg
	bare, err := startProc(ctx, db+"-bare", e.work, e.pin, nil, e.exe, "bare")
	if err != nil {
		return nil, err
	}
	defer bare.stop()
	plain, err := startProc(ctx, db+"-gqlgen", e.work, e.pin, nil, e.exe, "gqlgen")
	if err != nil {
		return nil, err
	}
	defer plain.stop()
	// Cases 2 and 3 on one server: requests without credentials are the fixed viewer's.
	on, err := e.startProbed(ctx, db+"-cache-on", e.pin, e.serverEnv(dbURL, s, fixedViewerEnv+"="+s.viewer))
	if err != nil {
		return nil, err
	}
	defer on.stop()
	off, err := e.startServer(ctx, db+"-cache-off", e.pin, e.serverEnv(dbURL, s, "APIKEYS_KEY_CACHE_SIZE=0"))
	if err != nil {
		return nil, err
	}
	defer off.stop()
	logf("%s: bare handler pid %d, gqlgen's own server pid %d, server (cache on, bench serve) pid %d, server (APIKEYS_KEY_CACHE_SIZE=0) pid %d", db, bare.pid, plain.pid, on.pid, off.pid)

	load := s.loadSecrets(cfg.loadKeys)
	keyed := func(addr, body string) [][]byte {
		out := make([][]byte, len(load))
		for i, k := range load {
			out[i] = rawRequest(addr, "/graphql", body, k)
		}
		return out
	}
	const typename = `{"query":"{ __typename }"}`
	run := &caseRun{db: db, cases: []caseDef{
		{n: 1, name: "bare net/http handler", t: target{addr: bare.addr, reqs: [][]byte{rawRequest(bare.addr, "/graphql", viewerQuery, "")}, status: 200, pid: bare.pid}},
		{n: 2, name: "/graphql, no authentication (a fixed viewer, bench serve)", t: target{addr: on.addr, reqs: [][]byte{rawRequest(on.addr, "/graphql", viewerQuery, "")}, status: 200, pid: on.pid}},
		{n: 3, name: fmt.Sprintf("/graphql, %d keys, cache on", len(load)), t: target{addr: on.addr, reqs: keyed(on.addr, viewerQuery), status: 200, pid: on.pid}},
		{n: 4, name: fmt.Sprintf("/graphql, %d keys, cache off", len(load)), t: target{addr: off.addr, reqs: keyed(off.addr, viewerQuery), status: 200, pid: off.pid}},
		// Not cases of issue 5: the floor of issue 14. The server's `{ __typename }` (no
		// resolver, no database; every layer, the key cached) and gqlgen's own server for
		// the same schema without middleware, with both queries.
		{n: 5, name: fmt.Sprintf("(floor) /graphql `{ __typename }`, %d keys, cache on", len(load)), t: target{addr: on.addr, reqs: keyed(on.addr, typename), status: 200, pid: on.pid}, info: true},
		{n: 6, name: "(floor) gqlgen's own server, `{ __typename }`", t: target{addr: plain.addr, reqs: [][]byte{rawRequest(plain.addr, "/graphql", typename, "")}, status: 200, pid: plain.pid}, info: true},
		{n: 7, name: "(floor) gqlgen's own server, `{ viewer { name } }`", t: target{addr: plain.addr, reqs: [][]byte{rawRequest(plain.addr, "/graphql", viewerQuery, "")}, status: 200, pid: plain.pid}, info: true},
	}}
	for i := range run.cases {
		c := &run.cases[i]
		status, body, err := oneRequest(c.t.addr, c.t.reqs[0])
		switch {
		case err != nil:
			return nil, fmt.Errorf("case %d: %w", c.n, err)
		case status == 200 && bytes.Contains(body, []byte(`"viewer":{"name":`)):
		case (c.n == 5 || c.n == 6) && status == 200 && bytes.Contains(body, []byte(`"__typename":"Query"`)):
		default:
			return nil, fmt.Errorf("case %d: HTTP %d %s", c.n, status, truncate(body, 300))
		}
	}
	// Every load key once through both servers: the cache-on server caches them all,
	// and both leave the database's pages warm.
	for _, c := range run.cases[2:4] {
		t := time.Now()
		res, err := onePass(ctx, c.t, 8, c.t.reqs)
		if err != nil {
			return nil, err
		}
		if res.errors > 0 {
			return nil, fmt.Errorf("case %d: warming the keys: %d errors, first: %s", c.n, res.errors, res.firstErr)
		}
		logf("%s: case %d: %d keys warmed in %s", db, c.n, len(c.t.reqs), time.Since(t).Round(time.Millisecond))
	}
	// Calibration: a short closed-loop burst per case; the fixed rate is a fraction of
	// the slowest case's saturation, the same rate for all four.
	calib := cfg.closedDur / 2
	if calib < 700*time.Millisecond {
		calib = 700 * time.Millisecond
	}
	minSat := 0.0
	for _, c := range run.cases {
		if c.info {
			continue
		}
		res, err := closedLoop(ctx, c.t, cfg.conns, calib)
		if err != nil {
			return nil, err
		}
		if res.errors > 0 {
			return nil, fmt.Errorf("case %d: %d errors in the calibration burst, first: %s", c.n, res.errors, res.firstErr)
		}
		run.sat[c.n] = res.throughput()
		if minSat == 0 || res.throughput() < minSat {
			minSat = res.throughput()
		}
		logf("%s: case %d saturates at %.0f req/s (%d connections, closed loop)", db, c.n, res.throughput(), cfg.conns)
	}
	run.rate = cfg.rateFrac * minSat
	logf("%s: fixed rate for the latencies: %.0f req/s (%.0f%% of the slowest case)", db, run.rate, cfg.rateFrac*100)

	for r := 0; r < cfg.rounds; r++ {
		round := make([]caseRound, len(run.cases))
		for i, c := range run.cases {
			time.Sleep(200 * time.Millisecond)
			closed, err := closedLoop(ctx, c.t, cfg.conns, cfg.closedDur)
			if err != nil {
				return nil, err
			}
			var open loadResult
			if !c.info {
				time.Sleep(200 * time.Millisecond)
				if open, err = openLoop(ctx, c.t, run.rate, cfg.openConns, cfg.openDur); err != nil {
					return nil, err
				}
			}
			round[i] = caseRound{closed: closed, open: open}
			logf("%s round %d case %d: %6.0f req/s, %5.0f µs CPU/req | at %.0f req/s: p50 %s p99 %s%s",
				db, r+1, c.n, closed.throughput(), us(closed.cpuPerRequest()), run.rate,
				fmtDur(open.percentile(0.5)), fmtDur(open.percentile(0.99)), errNote(closed, open))
		}
		run.rounds = append(run.rounds, round)

		// Cases 2 and 3 again in one stream: both halves at the same moments.
		time.Sleep(200 * time.Millisecond)
		res, err := openLoopMixed(ctx, []target{run.cases[1].t, run.cases[2].t}, run.rate, cfg.openConns/2, cfg.openDur)
		if err != nil {
			return nil, err
		}
		run.mixed = append(run.mixed, [2]loadResult{res[0], res[1]})
		logf("%s round %d mixed 2+3 at %.0f req/s each: case 2 p50 %s p99 %s, case 3 p50 %s p99 %s%s", db, r+1, run.rate,
			fmtDur(res[0].percentile(0.5)), fmtDur(res[0].percentile(0.99)), fmtDur(res[1].percentile(0.5)), fmtDur(res[1].percentile(0.99)), errNote(res...))
	}
	e.rep.addCases(run)
	return run, nil
}

func errNote(rs ...loadResult) string {
	n, first := 0, ""
	for _, r := range rs {
		if r.errors > 0 && first == "" {
			first = r.firstErr
		}
		n += r.errors
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d errors, first: %s)", n, first)
}

// onePass sends each request once over conns connections.
func onePass(ctx context.Context, t target, conns int, reqs [][]byte) (loadResult, error) {
	cs, err := dialAll(t.addr, conns)
	if err != nil {
		return loadResult{}, err
	}
	defer closeAll(cs)
	var (
		next atomic.Int64
		ok   atomic.Int64
		errs errCounter
		wg   sync.WaitGroup
	)
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func(c *rawConn) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				status, err := c.do(reqs[i])
				switch {
				case err != nil:
					errs.add(err.Error())
				case status != t.status:
					errs.add(fmt.Sprintf("HTTP %d", status))
				default:
					ok.Add(1)
				}
			}
		}(c)
	}
	wg.Wait()
	return loadResult{requests: int(ok.Load()), errors: errs.n, firstErr: errs.first, elapsed: time.Since(start)}, ctx.Err()
}

// oneRequest sends one request on a fresh connection and returns the status and body.
func oneRequest(addr string, req []byte) (int, []byte, error) {
	c, err := dialRaw(addr, nil)
	if err != nil {
		return 0, nil, err
	}
	defer c.close()
	c.keep = true
	status, err := c.do(req)
	return status, slices.Clone(c.body), err
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", us(d))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}
