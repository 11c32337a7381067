// Command bench is the benchmark (`make bench`, see BENCHMARKS.md). It builds the
// server (apikeys, as shipped), seeds SQLite and PostgreSQL through the schema's own
// migration, and measures side by side: a bare net/http handler, gqlgen's own server
// for the same schema, the server without authentication, with cached API keys and
// with the cache off, and what each middleware costs; then revocation propagation over
// three instances, pages and counts at 100,000 keys in one organization, the memory of
// 100,000 cached keys, floods of bad keys, the audit trail, the sweeper and
// subscriptions across instances. It prints each figure next to its target and writes
// the same report to -report. It needs no hook in the server: what it measures beyond
// the shipped binary it builds here, from the app's own constructor (`bench serve`).
//
//	go run ./bench            # the full run (about 20 minutes on 2 cores)
//	go run ./bench -quick     # smaller seeds, shorter rounds (BENCH_QUICK=1)
//	go run ./bench serve      # the server as `apikeys serve`, plus the bench's probes
//
// It is a main package without tests: `go test ./...` never runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is what the flags choose.
type config struct {
	quick         bool
	src           string
	bin           string
	pgURL         string
	keys          int
	orgs          int
	bigOrg        int
	sqliteOther   int
	loadKeys      int
	warmKeys      int
	rounds        int
	closedDur     time.Duration
	openDur       time.Duration
	conns         int
	openConns     int
	rateFrac      float64
	revocations   int
	sweepKeys     int
	floodKeys     int
	floodRequests int
	auditEntries  int
	chainCreates  int
	pageIters     int
	liveIdle      int // idle subscribers on B
	liveChanges   int // key changes on A
	liveWatchers  int // subscribers of the changed organization on B
	report        string
	skip          map[string]bool
	keepSchema    bool
	noPin         bool
	profile       string // a folder for the CPU profiles of the `bench serve` processes
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "bare":
			runBare()
			return
		case "serve":
			os.Exit(runServe(os.Args[2:]))
		case "gqlgen":
			os.Exit(runPlainGQLGen())
		}
	}
	cfg := parseFlags()
	if code, reexec := pinSelf(cfg); reexec {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := run(ctx, cfg)
	stopAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() *config {
	quickEnv := os.Getenv("BENCH_QUICK") != "" && os.Getenv("BENCH_QUICK") != "0"
	c := &config{}
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	fs.BoolVar(&c.quick, "quick", quickEnv, "small seeds and short rounds, for development (BENCH_QUICK=1)")
	fs.StringVar(&c.src, "src", ".", "the module root to build the server from")
	fs.StringVar(&c.bin, "bin", "", "a server binary (apikeys) to measure (skips the build)")
	fs.StringVar(&c.pgURL, "pg", envOr("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL URL; a fresh schema is created in it and dropped at the end (BENCH_POSTGRES_URL)")
	keys := fs.Int("keys", 0, "API keys seeded on PostgreSQL (default 1,000,000; quick 50,000)")
	orgs := fs.Int("orgs", 0, "organizations on PostgreSQL (default 1,000; quick 100)")
	bigOrg := fs.Int("big-org", 0, "keys of the one large organization (default 100,000; quick 20,000)")
	fs.IntVar(&c.loadKeys, "load-keys", 10000, "distinct keys the load of cases 3 and 4 draws from")
	warm := fs.Int("warm-keys", 0, "distinct keys warmed into a cache for the memory figure (default 100,000; quick 20,000)")
	rounds := fs.Int("rounds", 0, "interleaved rounds of cases 1-4 per database (default 5; quick 2)")
	closed := fs.Duration("closed", 0, "closed-loop (throughput) run per case and round (default 3s; quick 1s)")
	open := fs.Duration("open", 0, "open-loop (fixed rate) run per case and round (default 4s; quick 1.5s)")
	fs.IntVar(&c.conns, "conns", 16, "connections of the closed-loop runs")
	fs.IntVar(&c.openConns, "open-conns", 64, "connections of the open-loop runs")
	fs.Float64Var(&c.rateFrac, "rate", 0.5, "fixed rate as a fraction of the slowest case's saturation throughput")
	revs := fs.Int("revocations", 0, "revocations measured, idle and again under load (default 200; quick 40)")
	sweepKeys := fs.Int("sweep-keys", 0, "keys expiring at once for the sweep figure (default 100,000; quick 5,000)")
	floodKeys := fs.Int("flood-keys", 0, "revoked keys (and as many made-up ones) of the flood figure (default 1,000; quick 200)")
	floodReqs := fs.Int("flood-requests", 0, "requests of the flood figure, from one address (default 100,000; quick 10,000)")
	auditEntries := fs.Int("audit-entries", 0, "audit entries of the long trail exported and verified (default 1,000,000; quick 50,000)")
	chainCreates := fs.Int("chain-creates", 0, "createAPIKey requests per build for the cost of chaining (default 1,000; quick 200)")
	liveIdle := fs.Int("live-idle", 0, "idle subscribers on instance B of the live figure (default 1,000; quick 200)")
	liveChanges := fs.Int("live-changes", 0, "key changes on A of the live figure (default 200; quick 40)")
	iters := fs.Int("page-iters", 0, "timed requests per page/count query (default 400; quick 100)")
	fs.StringVar(&c.report, "report", envOr("BENCH_REPORT", "/tmp/bench-report.md"), "where to write the report (markdown)")
	skip := fs.String("skip", os.Getenv("BENCH_SKIP"), "comma-separated parts to skip: sqlite,postgres,layers,revocation,pages,rss,flood,audit,live,sweep (BENCH_SKIP)")
	fs.BoolVar(&c.keepSchema, "keep-schema", false, "keep the PostgreSQL schema at the end")
	fs.StringVar(&c.profile, "profile", "", "write the CPU profile of each `bench serve` process (cases 2, 3 and 5, memory, live) to this folder as NAME.cpu.pprof")
	fs.BoolVar(&c.noPin, "no-pin", os.Getenv("BENCH_NO_PIN") != "", "do not pin the load generator and the servers to separate CPUs")
	_ = fs.Parse(os.Args[1:])

	pick := func(v, full, quick int) int {
		if v > 0 {
			return v
		}
		if c.quick {
			return quick
		}
		return full
	}
	pickD := func(v, full, quick time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		if c.quick {
			return quick
		}
		return full
	}
	c.keys = pick(*keys, 1_000_000, 50_000)
	c.orgs = pick(*orgs, 1_000, 100)
	c.bigOrg = pick(*bigOrg, 100_000, 20_000)
	c.warmKeys = pick(*warm, 100_000, 20_000)
	c.rounds = pick(*rounds, 5, 2)
	c.closedDur = pickD(*closed, 3*time.Second, time.Second)
	c.openDur = pickD(*open, 4*time.Second, 1500*time.Millisecond)
	c.revocations = pick(*revs, 200, 40)
	c.sweepKeys = pick(*sweepKeys, 100_000, 5_000)
	c.floodKeys = pick(*floodKeys, 1_000, 200)
	c.floodRequests = pick(*floodReqs, 100_000, 10_000)
	c.pageIters = pick(*iters, 400, 100)
	c.liveIdle = pick(*liveIdle, 1_000, 200)
	c.liveChanges = pick(*liveChanges, 200, 40)
	c.liveWatchers = 10
	c.auditEntries = pick(*auditEntries, 1_000_000, 50_000)
	c.chainCreates = pick(*chainCreates, 1_000, 200)
	c.sqliteOther = c.loadKeys + 2_000
	c.skip = map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.skip[s] = true
		}
	}
	if c.profile != "" {
		if abs, err := filepath.Abs(c.profile); err == nil {
			c.profile = abs
		}
	}
	if c.bigOrg >= c.keys {
		c.bigOrg = c.keys / 2
	}
	if need := c.loadKeys + 1; c.warmKeys < need {
		c.warmKeys = need
	}
	return c
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// pinnedEnv marks the re-executed, pinned process.
const pinnedEnv = "BENCH_PINNED_CPU"

// canPin says whether the load generator and the servers get a CPU each.
func canPin(cfg *config) bool {
	if cfg.noPin {
		return false
	}
	if os.Getenv(pinnedEnv) != "" {
		return true
	}
	_, err := exec.LookPath("taskset")
	return err == nil && runtime.NumCPU() >= 2
}

// pinSelf re-executes the benchmark under `taskset -c 0`, so that the load generator
// has CPU 0 to itself (and Go sizes GOMAXPROCS to it); the servers run on CPU 1.
func pinSelf(cfg *config) (int, bool) {
	if !canPin(cfg) || os.Getenv(pinnedEnv) != "" {
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	cmd := exec.Command("taskset", append([]string{"-c", "0", exe}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), pinnedEnv+"=0")
	signal.Ignore(syscall.SIGINT) // the child gets it from the terminal and cleans up
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), true
		}
		fmt.Fprintln(os.Stderr, "bench: re-executing under taskset:", err)
		return 1, true
	}
	return 0, true
}

func run(ctx context.Context, cfg *config) error {
	start := time.Now()
	rep := newReport(cfg)
	rep.machine(ctx)
	rep.busyStart = busy(2 * time.Second)
	logf("machine before the run: %s", rep.busyStart)
	work, err := os.MkdirTemp("", "apikeys-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(work, "apikeys-bench")
		logf("building the server from %s", cfg.src)
		t := time.Now()
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
		build.Dir = cfg.src
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the server: %w", err)
		}
		logf("built in %s", time.Since(t).Round(time.Millisecond))
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := &benchEnv{cfg: cfg, bin: bin, exe: exe, work: work, rep: rep, pin: canPin(cfg)}
	if env.pin {
		logf("pinning: load generator on CPU 0 (this process), servers on CPU 1 (taskset)")
	} else {
		logf("pinning: off (no taskset, one CPU, or -no-pin)")
	}
	rep.pinned = env.pin

	if !cfg.skip["sqlite"] {
		if err := env.sqlitePart(ctx); err != nil {
			return fmt.Errorf("SQLite: %w", err)
		}
	}
	if !cfg.skip["postgres"] {
		if err := env.postgresPart(ctx); err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
	}
	stopAll()
	rep.busyEnd = busy(2 * time.Second)
	logf("machine after the run: %s", rep.busyEnd)
	rep.elapsed = time.Since(start)
	out := rep.render()
	fmt.Println()
	fmt.Print(out)
	if cfg.report != "" {
		if err := os.WriteFile(cfg.report, []byte(out), 0o644); err != nil {
			return err
		}
		logf("report written to %s", cfg.report)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
