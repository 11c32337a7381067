package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// revStats are the propagation times of one series of revocations.
type revStats struct {
	lat       []time.Duration // from the revoke's answer to each instance's first 401
	fromSend  []time.Duration // from the revoke's request being sent
	immediate int             // first polls already refused
	polls     int             // requests that were still accepted
	timeouts  int             // instances still accepting after 3 s
	later     int             // requests accepted after a 401 (must be 0)
	revokeLat []time.Duration // the revoke mutation itself
}

// revocation measures how long after a revocation through instance A the instances B
// and C first refuse the key: three servers on one PostgreSQL database, idle and then
// with B and C under full closed-loop load.
func (e *benchEnv) revocation(ctx context.Context, dbURL string, s *seeded) error {
	var inst [3]*proc
	for i, name := range []string{"A", "B", "C"} {
		p, err := e.startServer(ctx, "instance-"+name, false, e.serverEnv(dbURL, s))
		if err != nil {
			return err
		}
		defer p.stop()
		inst[i] = p
	}
	logf("revocation: instances A %s, B %s, C %s (not pinned)", inst[0].addr, inst[1].addr, inst[2].addr)
	admin := s.adminEmails[1]
	token, err := signIn(inst[0].addr, admin)
	if err != nil {
		return err
	}
	n := e.cfg.revocations
	idle, err := e.revokeSeries(ctx, inst, token, n, 0)
	if err != nil {
		return err
	}
	report := func(name string, st revStats, target time.Duration, tname string) {
		all := st.lat
		p50, p99, mx := percentile(all, 0.5), percentile(all, 0.99), percentile(all, 1)
		logf("revocation %s: %d revocations × 2 instances: p50 %s, p99 %s, max %s; %d first polls already refused; %d timeouts; %d later requests accepted",
			name, len(st.lat)/2, fmtDur(p50), fmtDur(p99), fmtDur(mx), st.immediate, st.timeouts, st.later)
		ok := p99 <= target && st.timeouts == 0 && st.later == 0
		e.rep.figure("PostgreSQL", fmt.Sprintf("revocation refused on B and C, %s (%d revocations)", name, len(st.lat)/2),
			fmt.Sprintf("p50 %s, p99 %s, max %s", fmtDur(p50), fmtDur(p99), fmtDur(mx)), tname, ok)
	}
	report("idle", idle, 10*time.Millisecond, "p99 ≤ 10 ms")

	// Under load: B and C saturated by closed-loop requests with cached keys.
	load := s.loadSecrets(min(2000, e.cfg.loadKeys))
	var bgTargets []target
	for _, p := range inst[1:] {
		reqs := make([][]byte, len(load))
		for i, k := range load {
			reqs[i] = rawRequest(p.addr, "/graphql", viewerQuery, k)
		}
		t := target{addr: p.addr, reqs: reqs, status: 200, pid: p.pid}
		if res, err := onePass(ctx, t, 8, reqs); err != nil || res.errors > 0 {
			return fmt.Errorf("warming the load keys: %v %s", err, res.firstErr)
		}
		bgTargets = append(bgTargets, t)
	}
	bgCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	bg := make([]loadResult, len(bgTargets))
	for i, t := range bgTargets {
		wg.Add(1)
		go func(i int, t target) {
			defer wg.Done()
			bg[i], _ = closedLoop(bgCtx, t, 8, 10*time.Minute)
		}(i, t)
	}
	time.Sleep(500 * time.Millisecond)
	loaded, err := e.revokeSeries(ctx, inst, token, n, 1000)
	cancel()
	wg.Wait()
	if err != nil {
		return err
	}
	report("under full load", loaded, 50*time.Millisecond, "p99 ≤ 50 ms")

	sec := &section{title: "Revocation propagation (PostgreSQL, three instances)"}
	sec.lines = append(sec.lines,
		"Three server processes on one database. For each revocation: create a key through A (the organization's admin, session), use it once through B and once through C (their caches hold it), revoke it through A, then poll B and C back to back with the key, each from its own connection, until each answers 401. The time is from A's answer to the revoke to each instance's first 401 (so at least one round trip), over both instances. Each revocation polls from its own loopback address (127.x.y.z): the per-IP limit on bad keys would otherwise answer 429 after 20 of them.", "",
		"| series | revocations | p50 | p99 | max | from sending the revoke: p50 / p99 | first poll already 401 | polls still accepted | later requests accepted | the revoke mutation p50 / p99 |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range []struct {
		name string
		st   revStats
	}{{"idle", idle}, {"B and C under full load", loaded}} {
		st := r.st
		sec.lines = append(sec.lines, fmt.Sprintf("| %s | %d | %s | %s | %s | %s / %s | %d of %d | %d | %d | %s / %s |",
			r.name, len(st.lat)/2, fmtDur(percentile(st.lat, 0.5)), fmtDur(percentile(st.lat, 0.99)), fmtDur(percentile(st.lat, 1)),
			fmtDur(percentile(st.fromSend, 0.5)), fmtDur(percentile(st.fromSend, 0.99)),
			st.immediate, len(st.lat), st.polls, st.later,
			fmtDur(percentile(st.revokeLat, 0.5)), fmtDur(percentile(st.revokeLat, 0.99))))
	}
	var bgReq int
	var bgDur time.Duration
	for _, r := range bg {
		bgReq += r.requests
		bgDur = max(bgDur, r.elapsed)
	}
	if bgDur > 0 {
		sec.lines = append(sec.lines, "", fmt.Sprintf("The load on B and C: 8 connections each, closed loop, %d cached keys; together %.0f req/s during the series.", len(load), float64(bgReq)/bgDur.Seconds()))
	}
	e.rep.sections = append(e.rep.sections, sec)
	return nil
}

// revokeSeries runs n revocations; ipBase separates the series' source addresses.
func (e *benchEnv) revokeSeries(ctx context.Context, inst [3]*proc, token string, n, ipBase int) (revStats, error) {
	var st revStats
	a := inst[0].addr
	hc := &http.Client{Timeout: 30 * time.Second}
	gql := func(query string, vars map[string]any, out any) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+a+"/graphql", strings.NewReader(gqlBody(query, vars)))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: "apikeys_session", Value: token})
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || bytes.Contains(b.Bytes(), []byte(`"errors"`)) {
			return fmt.Errorf("HTTP %d %s", resp.StatusCode, truncate(b.Bytes(), 300))
		}
		return json.Unmarshal(b.Bytes(), out)
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		var created struct {
			Data struct {
				CreateAPIKey struct {
					Secret string `json:"secret"`
					APIKey struct {
						ID string `json:"id"`
					} `json:"apiKey"`
				} `json:"createAPIKey"`
			} `json:"data"`
		}
		err := gql(`mutation ($name: String!) { createAPIKey(input: {name: $name, role: VIEWER}) { secret apiKey { id } } }`,
			map[string]any{"name": fmt.Sprintf("revocation %d-%d", ipBase, i)}, &created)
		if err != nil {
			return st, fmt.Errorf("createAPIKey: %w", err)
		}
		secret, id := created.Data.CreateAPIKey.Secret, created.Data.CreateAPIKey.APIKey.ID
		// Its own source address, so the 401s never reach the per-IP limit.
		k := ipBase + i
		local := &net.TCPAddr{IP: net.IPv4(127, 3+byte(k/62500), byte(k/250%250), byte(k%250+1))}
		var conns [2]*rawConn
		var reqs [2][]byte
		for j, p := range inst[1:] {
			c, err := dialRaw(p.addr, local)
			if err != nil {
				return st, err
			}
			conns[j] = c
			reqs[j] = rawRequest(p.addr, "/graphql", viewerQuery, secret)
			for w := 0; w < 2; w++ {
				status, err := c.do(reqs[j])
				if err != nil || status != 200 {
					return st, fmt.Errorf("the new key through %s: HTTP %d %v", p.name, status, err)
				}
			}
		}
		var revoked struct {
			Data struct {
				RevokeAPIKey struct {
					APIKey struct {
						Status string `json:"status"`
					} `json:"apiKey"`
				} `json:"revokeAPIKey"`
			} `json:"data"`
		}
		sent := time.Now()
		err = gql(`mutation ($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { status } } }`, map[string]any{"id": id}, &revoked)
		acked := time.Now()
		if err != nil {
			return st, fmt.Errorf("revokeAPIKey: %w", err)
		}
		if revoked.Data.RevokeAPIKey.APIKey.Status != "REVOKED" {
			return st, fmt.Errorf("revokeAPIKey answered status %q", revoked.Data.RevokeAPIKey.APIKey.Status)
		}
		st.revokeLat = append(st.revokeLat, acked.Sub(sent))
		type pollResult struct {
			at        time.Time
			polls     int
			timeout   bool
			later     int
			immediate bool
			err       error
		}
		var res [2]pollResult
		var wg sync.WaitGroup
		for j := range conns {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				r := &res[j]
				for first := true; ; first = false {
					status, err := conns[j].do(reqs[j])
					if err != nil {
						r.err = err
						return
					}
					if status == 401 {
						r.at = time.Now()
						r.immediate = first
						break
					}
					if status != 200 {
						r.err = fmt.Errorf("HTTP %d while polling", status)
						return
					}
					r.polls++
					if time.Since(acked) > 3*time.Second {
						r.timeout = true
						return
					}
				}
				// Every later request is refused too.
				for x := 0; x < 3; x++ {
					if status, err := conns[j].do(reqs[j]); err == nil && status != 401 {
						r.later++
					}
				}
			}(j)
		}
		wg.Wait()
		for _, r := range res {
			if r.err != nil {
				return st, r.err
			}
			st.polls += r.polls
			st.later += r.later
			if r.timeout {
				st.timeouts++
				st.lat = append(st.lat, 3*time.Second)
				st.fromSend = append(st.fromSend, 3*time.Second)
				continue
			}
			if r.immediate {
				st.immediate++
			}
			st.lat = append(st.lat, r.at.Sub(acked))
			st.fromSend = append(st.fromSend, r.at.Sub(sent))
		}
		for _, c := range conns {
			c.close()
		}
	}
	return st, nil
}
