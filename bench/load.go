package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator speaks HTTP/1.1 itself over keep-alive connections: requests are
// prepared bytes and responses are parsed only as far as the status and the body's
// length, so that on its one CPU it costs far less than the server it measures.

const viewerQuery = `{"query":"{ viewer { name } }"}`

// rawRequest returns a POST of body to path with an optional bearer key.
func rawRequest(addr, path, body, key string) []byte {
	if key == "" {
		return rawRequestHeaders(addr, path, body)
	}
	return rawRequestHeaders(addr, path, body, "Authorization", "Bearer "+key)
}

// rawRequestHeaders returns a POST of body to path with extra headers (name, value, …).
func rawRequestHeaders(addr, path, body string, headers ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, len(body))
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes()
}

// rawConn is one keep-alive connection.
type rawConn struct {
	addr  string
	local net.Addr
	c     net.Conn
	r     *bufio.Reader
	body  []byte // the last response's body, when keepBody
	keep  bool
}

func dialRaw(addr string, local net.Addr) (*rawConn, error) {
	rc := &rawConn{addr: addr, local: local}
	return rc, rc.dial()
}

func (rc *rawConn) dial() error {
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: rc.local}
	c, err := d.Dial("tcp", rc.addr)
	if err != nil {
		return err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	rc.c, rc.r = c, bufio.NewReaderSize(c, 16<<10)
	return nil
}

func (rc *rawConn) close() {
	if rc.c != nil {
		rc.c.Close()
		rc.c = nil
	}
}

var errBadResponse = errors.New("malformed HTTP response")

// do sends req and reads the response; it reconnects once when the connection was
// closed by the server.
func (rc *rawConn) do(req []byte) (int, error) {
	for attempt := 0; ; attempt++ {
		if rc.c == nil {
			if err := rc.dial(); err != nil {
				return 0, err
			}
		}
		status, err := rc.roundTrip(req)
		if err == nil {
			return status, nil
		}
		rc.close()
		if attempt > 0 || !(errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err)) {
			return 0, err
		}
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne)
}

func (rc *rawConn) roundTrip(req []byte) (int, error) {
	_ = rc.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := rc.c.Write(req); err != nil {
		return 0, err
	}
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, errBadResponse
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, errBadResponse
	}
	length, chunked, closeConn := -1, false, false
	for {
		h, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(h) <= 2 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, errBadResponse
			}
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "connection"):
			closeConn = asciiEqualFold(value, "close")
		}
	}
	rc.body = rc.body[:0]
	switch {
	case chunked:
		for {
			h, err := rc.r.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			h = bytes.TrimSpace(h)
			if i := bytes.IndexByte(h, ';'); i >= 0 {
				h = h[:i]
			}
			n, err := strconv.ParseInt(string(h), 16, 64)
			if err != nil {
				return 0, errBadResponse
			}
			if n == 0 {
				// trailers, then an empty line
				for {
					t, err := rc.r.ReadSlice('\n')
					if err != nil {
						return 0, err
					}
					if len(t) <= 2 {
						break
					}
				}
				break
			}
			if err := rc.readBody(int(n)); err != nil {
				return 0, err
			}
			if _, err := rc.r.Discard(2); err != nil {
				return 0, err
			}
		}
	case length >= 0:
		if err := rc.readBody(length); err != nil {
			return 0, err
		}
	default:
		return 0, errBadResponse // no length: the benchmark's servers always send one
	}
	if closeConn {
		rc.close()
	}
	return status, nil
}

func (rc *rawConn) readBody(n int) error {
	if !rc.keep {
		_, err := rc.r.Discard(n)
		return err
	}
	start := len(rc.body)
	rc.body = slices.Grow(rc.body, n)[:start+n]
	_, err := io.ReadFull(rc.r, rc.body[start:])
	return err
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// loadResult is one run of the load generator.
type loadResult struct {
	requests  int           // answered with the expected status
	errors    int           // other statuses and transport errors
	firstErr  string        // the first of them
	elapsed   time.Duration // of the run
	latencies []time.Duration
	cpu       time.Duration // the server's CPU time during the run (when a pid is given)
}

func (r loadResult) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// cpuPerRequest is the server's CPU time per answered request.
func (r loadResult) cpuPerRequest() time.Duration {
	if r.requests == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.requests)
}

func (r loadResult) percentile(p float64) time.Duration { return percentile(r.latencies, p) }

// percentile of sorted-in-place samples (nearest rank).
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	if !slices.IsSorted(d) {
		slices.Sort(d)
	}
	i := int(float64(len(d))*p+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(d) {
		i = len(d) - 1
	}
	return d[i]
}

// target is what the load is sent to: the address, one request per key (or one), the
// expected status, and the server's pid for its CPU time.
type target struct {
	addr   string
	reqs   [][]byte
	status int
	pid    int
}

type errCounter struct {
	mu    sync.Mutex
	n     int
	first string
}

func (e *errCounter) add(s string) {
	e.mu.Lock()
	if e.n == 0 {
		e.first = s
	}
	e.n++
	e.mu.Unlock()
}

// closedLoop runs conns connections back to back for d: the throughput.
func closedLoop(ctx context.Context, t target, conns int, d time.Duration) (loadResult, error) {
	cs, err := dialAll(t.addr, conns)
	if err != nil {
		return loadResult{}, err
	}
	defer closeAll(cs)
	var (
		wg   sync.WaitGroup
		ok   atomic.Int64
		errs errCounter
		stop atomic.Bool
	)
	lat := make([][]time.Duration, conns)
	cpu0, _ := cpuTime(t.pid)
	start := time.Now()
	deadline := start.Add(d)
	for i := range cs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := cs[i]
			n := i
			for !stop.Load() {
				req := t.reqs[n%len(t.reqs)]
				n += conns
				s := time.Now()
				status, err := c.do(req)
				e := time.Since(s)
				switch {
				case err != nil:
					errs.add(err.Error())
					time.Sleep(10 * time.Millisecond)
				case status != t.status:
					errs.add("HTTP " + strconv.Itoa(status))
				default:
					ok.Add(1)
					lat[i] = append(lat[i], e)
				}
				if s.After(deadline) || ctx.Err() != nil {
					return
				}
			}
		}(i)
	}
	timer := time.AfterFunc(d+30*time.Second, func() { stop.Store(true); closeAll(cs) })
	wg.Wait()
	timer.Stop()
	return t.result(start, cpu0, &ok, &errs, lat), ctx.Err()
}

// openLoop sends rate requests a second for d, on schedule whatever the answers do, over
// up to conns connections, and measures each latency from the request's scheduled send
// time, so that a stalled server is charged for the requests it held up (no coordinated
// omission).
func openLoop(ctx context.Context, t target, rate float64, conns int, d time.Duration) (loadResult, error) {
	res, err := openLoopMixed(ctx, []target{t}, rate, conns, d)
	if len(res) == 0 {
		return loadResult{}, err
	}
	return res[0], err
}

// openLoopMixed is openLoop over several targets in one stream: request n goes to target
// n mod len(ts), each target at rate requests a second and over its own conns
// connections, the schedules interleaved. Each target's latencies come back apart, taken
// at the same moments as the others': the machine's drift between runs, which on a
// shared machine is larger than the differences measured, is out of the comparison.
// The server CPU is counted once per distinct pid, on the first target with it.
func openLoopMixed(ctx context.Context, ts []target, rate float64, conns int, d time.Duration) ([]loadResult, error) {
	k := len(ts)
	pools := make([][]*rawConn, k)
	for i, t := range ts {
		cs, err := dialAll(t.addr, conns)
		if err != nil {
			for _, p := range pools[:i] {
				closeAll(p)
			}
			return nil, err
		}
		pools[i] = cs
	}
	defer func() {
		for _, p := range pools {
			closeAll(p)
		}
	}()
	total := int(rate * d.Seconds() * float64(k))
	interval := time.Duration(float64(time.Second) / (rate * float64(k)))
	type job struct {
		n     int
		sched time.Time
	}
	type stats struct {
		ok   atomic.Int64
		errs errCounter
		lat  [][]time.Duration
	}
	jobs := make([]chan job, k)
	st := make([]*stats, k)
	var wg sync.WaitGroup
	for ti, t := range ts {
		jobs[ti] = make(chan job, total/k+1)
		st[ti] = &stats{lat: make([][]time.Duration, conns)}
		for i, c := range pools[ti] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := st[ti]
				for j := range jobs[ti] {
					status, err := c.do(t.reqs[(j.n/k)%len(t.reqs)])
					e := time.Since(j.sched)
					switch {
					case err != nil:
						s.errs.add(err.Error())
					case status != t.status:
						s.errs.add("HTTP " + strconv.Itoa(status))
					default:
						s.ok.Add(1)
						s.lat[i] = append(s.lat[i], e)
					}
				}
			}()
		}
	}
	closeJobs := func() {
		for _, ch := range jobs {
			close(ch)
		}
	}
	p, err := newPacer()
	if err != nil {
		closeJobs()
		wg.Wait()
		return nil, err
	}
	defer p.close()
	cpu0 := make([]time.Duration, k)
	counted := map[int]bool{}
	for i, t := range ts {
		if !counted[t.pid] {
			counted[t.pid] = true
			cpu0[i], _ = cpuTime(t.pid)
		}
	}
	start := time.Now()
	next := 0
	for next < total && ctx.Err() == nil {
		now := time.Now()
		// Hand out every request whose time has come, then sleep until the next one.
		for next < total {
			sched := start.Add(time.Duration(next) * interval)
			if sched.After(now) {
				break
			}
			jobs[next%k] <- job{n: next, sched: sched}
			next++
		}
		if next < total {
			p.sleepUntil(start.Add(time.Duration(next) * interval))
		}
	}
	closeJobs()
	timer := time.AfterFunc(d+30*time.Second, func() {
		for _, p := range pools {
			closeAll(p)
		}
	})
	wg.Wait()
	timer.Stop()
	out := make([]loadResult, k)
	seen := map[int]bool{}
	for i, t := range ts {
		if seen[t.pid] {
			t.pid = 0 // its CPU is on the first target with this pid
		}
		seen[t.pid] = true
		out[i] = t.result(start, cpu0[i], &st[i].ok, &st[i].errs, st[i].lat)
	}
	return out, ctx.Err()
}

// result gathers a run's counts, the server's CPU since cpu0 and the sorted latencies.
func (t target) result(start time.Time, cpu0 time.Duration, ok *atomic.Int64, errs *errCounter, lat [][]time.Duration) loadResult {
	elapsed := time.Since(start)
	cpu1, _ := cpuTime(t.pid)
	res := loadResult{requests: int(ok.Load()), errors: errs.n, firstErr: errs.first, elapsed: elapsed, cpu: cpu1 - cpu0}
	for _, l := range lat {
		res.latencies = append(res.latencies, l...)
	}
	slices.Sort(res.latencies)
	return res
}

func dialAll(addr string, n int) ([]*rawConn, error) {
	cs := make([]*rawConn, n)
	for i := range cs {
		c, err := dialRaw(addr, nil)
		if err != nil {
			closeAll(cs)
			return nil, err
		}
		cs[i] = c
	}
	return cs, nil
}

func closeAll(cs []*rawConn) {
	for _, c := range cs {
		if c != nil && c.c != nil {
			c.c.Close()
		}
	}
}
