package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"apikeys/ent/viewer"
	"apikeys/server/app"
)

// stack is one handler of the layer table: the layers up to one, around the GraphQL
// handler.
type stack struct {
	name string
	h    http.Handler
}

// layerCost is one stack's figures: CPU time and allocations per request, medians over
// the rounds.
type layerCost struct {
	cpu    [2]time.Duration // by query: `{ __typename }`, `{ viewer { name } }`
	allocs [2]float64
}

// layers measures in this process what each of the server's middleware costs per
// request: the app is built by its own constructor (app.New, on the seeded SQLite
// file), and each stack adds one layer of app.Layers to the one before, from gqlgen's
// own server for the same schema up to the whole handler. The requests carry a cached
// key; below the authentication layer, a fixed viewer stands in for it.
func (e *benchEnv) layers(ctx context.Context, dbURL string, s *seeded) error {
	logPath := filepath.Join(e.work, "layers.log")
	lf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer lf.Close()
	// As the server logs: text lines through its LogWriter to standard error, here a file.
	logw := app.NewLogWriter(lf)
	defer logw.Close()
	log := slog.New(slog.NewTextHandler(logw, nil))
	a, err := app.New(ctx, app.Config{DatabaseURL: dbURL, StaticDir: filepath.Join(e.work, "no-static")}, log)
	if err != nil {
		return err
	}
	defer a.Close()
	secret := s.loadSecrets(1)[0]
	v, err := a.Auth.Keys.Verify(ctx, []string{"Bearer " + secret}, "", "")
	if err != nil {
		return err
	}
	fixed := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
		})
	}
	l := a.Layers()
	gql := a.GraphQL()
	stacks := []stack{
		{"gqlgen's own server, same schema, no middleware", fixed(plainGQLGen())},
		{"+ the server's GraphQL handler (its extensions: limits, transactions, audit details, error presenter, metrics)", fixed(gql)},
	}
	// The /graphql layers, innermost first; a fixed viewer until authentication is in.
	isAuth := func(x app.Layer) bool { return x.Name == "authentication" }
	for i := len(l.GraphQL) - 1; i >= 0; i-- {
		h, name := app.Wrap(gql, l.GraphQL[i:]), "+ "+l.GraphQL[i].Name
		if !slices.ContainsFunc(l.GraphQL[i:], isAuth) {
			h = fixed(h)
		}
		if isAuth(l.GraphQL[i]) {
			name += " (the key cached)"
		}
		stacks = append(stacks, stack{name, h})
	}
	stacks = append(stacks, stack{"+ the routes (ServeMux, WebSocket upgrade check)", a.HandlerWith(app.Layers{GraphQL: l.GraphQL})})
	for i := len(l.Outer) - 1; i >= 0; i-- {
		stacks = append(stacks, stack{"+ " + l.Outer[i].Name, a.HandlerWith(app.Layers{Outer: l.Outer[i:], GraphQL: l.GraphQL})})
	}
	queries := [2][]byte{[]byte(`{"query":"{ __typename }"}`), []byte(viewerQuery)}
	for qi, q := range queries {
		for _, st := range stacks {
			if status, body := serveOnce(st.h, q, secret); status != 200 || !bytes.Contains(body, []byte(`"data"`)) {
				return fmt.Errorf("layers: %s, query %d: HTTP %d %s", st.name, qi, status, truncate(body, 200))
			}
		}
	}
	// Many short rounds, every row in each: a layer costs less than the machine's drift
	// over a few seconds, so each row is compared with the row above in the same round.
	rounds, per := 60, 2_000
	if e.cfg.quick {
		rounds, per = 6, 1_000
	}
	samples := make([][2][]float64, len(stacks)) // [stack][query] ns per request, by round
	allocs := make([][2][]float64, len(stacks))
	for range rounds {
		for si, st := range stacks {
			for qi, q := range queries {
				cpu, n := measureServe(st.h, q, secret, per)
				samples[si][qi] = append(samples[si][qi], float64(cpu)/float64(per))
				allocs[si][qi] = append(allocs[si][qi], float64(n)/float64(per))
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	costs := make([]layerCost, len(stacks))
	deltas := make([][2]time.Duration, len(stacks)) // the median of the rounds' differences with the row above
	for si := range stacks {
		for qi := range queries {
			costs[si].cpu[qi] = time.Duration(median(samples[si][qi]))
			costs[si].allocs[qi] = median(allocs[si][qi])
			if si > 0 {
				d := make([]float64, rounds)
				for r := range rounds {
					d[r] = samples[si][qi][r] - samples[si-1][qi][r]
				}
				deltas[si][qi] = time.Duration(median(d))
			}
		}
	}
	sec := &section{title: "What each layer costs (in process)"}
	sec.lines = append(sec.lines,
		fmt.Sprintf("One process (this one, GOMAXPROCS %d) builds the app with its own constructor (`app.New` on the seeded SQLite file, logging to a file as the server logs to its standard error) and serves each request straight to a handler, without a network: each row adds one layer of `app.Layers` to the row above, from gqlgen's own server for the same schema (no middleware) to the whole handler. The requests carry a cached API key; below the authentication layer a fixed viewer stands in for it. CPU time of the process per request (every goroutine's, the collector's too) and allocations per request: medians of %d rounds of %d requests per row and query, every row in each round; Δ is the median of the rounds' differences with the row above (a layer costs less than the machine's drift over a few seconds), so the Δs need not add up to the difference of the medians.", runtime.GOMAXPROCS(0), rounds, per), "",
		"| layers | `{ __typename }` CPU/req | Δ | allocs/req | `{ viewer { name } }` CPU/req | Δ | allocs/req |",
		"|---|---:|---:|---:|---:|---:|---:|")
	for si, st := range stacks {
		cells := []string{st.name}
		for qi := range queries {
			d := "—"
			if si > 0 {
				d = fmt.Sprintf("%+.2f µs", us(deltas[si][qi]))
			}
			cells = append(cells, fmt.Sprintf("%.2f µs", us(costs[si].cpu[qi])), d, fmt.Sprintf("%.0f", costs[si].allocs[qi]))
		}
		sec.lines = append(sec.lines, "| "+strings.Join(cells, " | ")+" |")
	}
	e.rep.sections = append(e.rep.sections, sec)
	first, last := costs[0], costs[len(costs)-1]
	for qi, q := range []string{"`{ __typename }`", "`{ viewer { name } }`"} {
		x := float64(first.cpu[qi]) / float64(last.cpu[qi])
		e.rep.info("in process", "the server's whole handler vs gqlgen's own server, "+q+" (CPU per request)",
			fmt.Sprintf("%.2f× the throughput (%.2f vs %.2f µs; %.0f vs %.0f allocs)", x, us(last.cpu[qi]), us(first.cpu[qi]), last.allocs[qi], first.allocs[qi]))
	}
	logf("layers: measured %d stacks in %d rounds", len(stacks), rounds)
	return nil
}

// median is the middle of xs (the mean of the two middle ones), 0 for none.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// discardWriter is a ResponseWriter that keeps the status and, for checks, the body.
type discardWriter struct {
	h      http.Header
	status int
	body   *bytes.Buffer
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	if w.body != nil {
		w.body.Write(b)
	}
	return len(b), nil
}

var graphqlURL = &url.URL{Path: "/graphql"}

// newRequest is a POST of body to /graphql with the key, as a client sends it.
func newRequest(body []byte, secret string) *http.Request {
	r := &http.Request{
		Method:        http.MethodPost,
		URL:           graphqlURL,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Host:          "127.0.0.1",
		RemoteAddr:    "127.0.0.1:40000",
		RequestURI:    "/graphql",
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(bytes.NewReader(body)),
		Header: http.Header{
			"Content-Type":  {"application/json"},
			"Authorization": {"Bearer " + secret},
		},
	}
	return r.WithContext(context.Background())
}

func serveOnce(h http.Handler, body []byte, secret string) (int, []byte) {
	w := &discardWriter{h: http.Header{}, body: &bytes.Buffer{}}
	h.ServeHTTP(w, newRequest(body, secret))
	return w.status, w.body.Bytes()
}

// measureServe serves n requests and returns the process's CPU time and allocations.
func measureServe(h http.Handler, body []byte, secret string, n int) (time.Duration, uint64) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	cpu0 := processCPU()
	w := &discardWriter{h: http.Header{}}
	for range n {
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, newRequest(body, secret))
	}
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&m1)
	return cpu, m1.Mallocs - m0.Mallocs
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
