package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// report gathers the figures; render writes it as markdown (printed and saved).
type report struct {
	cfg                *config
	started            time.Time
	machineL           []string
	busyStart, busyEnd string
	seeds              []string
	pinned             bool
	elapsed            time.Duration
	sections           []*section
	figures            []figure
}

type section struct {
	title string
	lines []string
}

// figure is one line of the final table: a measured value next to its target.
type figure struct {
	db, name, value, target, verdict string
}

func newReport(cfg *config) *report { return &report{cfg: cfg, started: time.Now()} }

// figure records a figure with a target and prints it at once.
func (r *report) figure(db, name, value, target string, met bool) {
	v := "met"
	if !met {
		v = "**missed**"
	}
	r.figures = append(r.figures, figure{db, name, value, target, v})
	logf("FIGURE %s | %s: %s (target %s: %s)", db, name, value, target, strings.Trim(v, "*"))
}

// info records a figure without a target.
func (r *report) info(db, name, value string) {
	r.figures = append(r.figures, figure{db, name, value, "—", ""})
	logf("FIGURE %s | %s: %s", db, name, value)
}

// missing records a figure that could not be measured.
func (r *report) missing(db, name, target, why string) {
	r.figures = append(r.figures, figure{db, name, "not measured: " + why, target, "n/a"})
	logf("FIGURE %s | %s: not measured: %s", db, name, why)
}

func command(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// machine describes where the benchmark runs.
func (r *report) machine(ctx context.Context) {
	model := "?"
	for _, line := range strings.Split(command("lscpu"), "\n") {
		if v, ok := strings.CutPrefix(line, "Model name:"); ok {
			model = strings.TrimSpace(v)
			break
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(v), &kb)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	pg := "?"
	if db, err := sql.Open("postgres", r.cfg.pgURL); err == nil {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_ = db.QueryRowContext(cctx, "SELECT version()").Scan(&pg)
		cancel()
		db.Close()
		if i := strings.Index(pg, " on "); i > 0 {
			pg = pg[:i]
		}
	}
	built := "the working tree (" + r.cfg.src + ")"
	if r.cfg.bin != "" {
		built = r.cfg.bin
	} else if abs, err := filepath.Abs(r.cfg.src); err == nil {
		if cwd, _ := os.Getwd(); abs != cwd {
			built = abs
		}
	}
	r.machineL = []string{
		"- CPUs: " + command("getconf", "_NPROCESSORS_ONLN") + " (`nproc` outside the pinning), " + model,
		"- Memory: " + mem,
		"- Kernel: " + command("uname", "-sr"),
		"- Go: " + command("go", "version"),
		"- PostgreSQL: " + pg + " at 127.0.0.1:5432 (shared_buffers and the rest as installed)",
		"- Code: HEAD " + command("git", "log", "-1", "--format=%h %s") + "; the server built from " + built,
	}
}

// addCases records the side-by-side cases of one database.
func (r *report) addCases(run *caseRun) {
	db := run.db
	type agg struct {
		thr, cpu, p50, p99, openCPU float64
		errs                        int
	}
	get := func(ci int, f func(caseRound) float64) []float64 {
		var out []float64
		for _, round := range run.rounds {
			if ci < len(round) && round[ci].closed.elapsed > 0 {
				out = append(out, f(round[ci]))
			}
		}
		return out
	}
	thr := func(c caseRound) float64 { return c.closed.throughput() }
	p50 := func(c caseRound) float64 { return float64(c.open.percentile(0.5)) }
	p99 := func(c caseRound) float64 { return float64(c.open.percentile(0.99)) }
	// ratio of two cases: the median of the per-round ratios.
	ratio := func(a, b int, f func(caseRound) float64) float64 {
		var xs []float64
		for _, round := range run.rounds {
			ra, rb := round[a-1], round[b-1]
			if ra.closed.elapsed > 0 && rb.closed.elapsed > 0 && f(rb) > 0 {
				xs = append(xs, f(ra)/f(rb))
			}
		}
		return median(xs)
	}
	aggs := make([]agg, len(run.cases))
	for i := range run.cases {
		a := &aggs[i]
		a.thr = median(get(i, thr))
		a.cpu = median(get(i, func(c caseRound) float64 { return us(c.closed.cpuPerRequest()) }))
		a.openCPU = median(get(i, func(c caseRound) float64 { return us(c.open.cpuPerRequest()) }))
		a.p50 = median(get(i, p50))
		a.p99 = median(get(i, p99))
		for _, round := range run.rounds {
			a.errs += round[i].closed.errors + round[i].open.errors
		}
	}
	sec := &section{title: fmt.Sprintf("Cases 1-4 side by side (%s)", db)}
	pin := "the load generator on CPU 0, each server process on CPU 1 (taskset)"
	if !r.pinned {
		pin = "nothing pinned"
	}
	sec.lines = append(sec.lines,
		fmt.Sprintf("%d interleaved rounds, each running case 1, 2, 3, 4 in turn: a closed-loop run (%d keep-alive connections, %s) for the throughput and the server's CPU per request, then an open-loop run at a fixed %.0f req/s (%.0f%% of the slowest case's saturation in a calibration burst; %d connections; %s) for the latencies, measured from each request's scheduled send time. Figures are medians over the rounds; ratios are medians of the per-round ratios. Pinning: %s. Case 1 runs in its own process (`bench bare`), pinned like the server.",
			len(run.rounds), r.cfg.conns, r.cfg.closedDur, run.rate, r.cfg.rateFrac*100, r.cfg.openConns, r.cfg.openDur, pin), "",
		"| case | throughput (req/s) | server CPU per request (closed loop / fixed rate) | p50 at fixed rate | p99 at fixed rate | errors |",
		"|---|---:|---:|---:|---:|---:|")
	for i, c := range run.cases {
		a := aggs[i]
		if c.info {
			sec.lines = append(sec.lines, fmt.Sprintf("| %s | %.0f | %.1f µs / — | — | — | %d |", c.name, a.thr, a.cpu, a.errs))
			continue
		}
		sec.lines = append(sec.lines, fmt.Sprintf("| %d. %s | %.0f | %.1f µs / %.1f µs | %s | %s | %d |",
			c.n, c.name, a.thr, a.cpu, a.openCPU, fmtDur(time.Duration(a.p50)), fmtDur(time.Duration(a.p99)), a.errs))
	}
	head, rule := "| round |", "|---|"
	for _, c := range run.cases {
		head, rule = head+fmt.Sprintf(" %d |", c.n), rule+"---|"
	}
	sec.lines = append(sec.lines, "", "Per round, by case (closed-loop req/s; p50 / p99 at the fixed rate):", "", head, rule)
	for ri, round := range run.rounds {
		cells := []string{fmt.Sprint(ri + 1)}
		for _, cr := range round {
			if cr.closed.elapsed == 0 {
				cells = append(cells, "—")
				continue
			}
			if cr.open.elapsed == 0 {
				cells = append(cells, fmt.Sprintf("%.0f", cr.closed.throughput()))
				continue
			}
			cells = append(cells, fmt.Sprintf("%.0f; %s / %s", cr.closed.throughput(), fmtDur(cr.open.percentile(0.5)), fmtDur(cr.open.percentile(0.99))))
		}
		sec.lines = append(sec.lines, "| "+strings.Join(cells, " | ")+" |")
	}
	r.sections = append(r.sections, sec)

	r.info(db, "fixed rate for the latencies", fmt.Sprintf("%.0f req/s", run.rate))
	r.info(db, "throughput 1 / 2 / 3 / 4 (req/s)", fmt.Sprintf("%.0f / %.0f / %.0f / %.0f", aggs[0].thr, aggs[1].thr, aggs[2].thr, aggs[3].thr))
	r.info(db, "server CPU per request 1 / 2 / 3 / 4", fmt.Sprintf("%.1f / %.1f / %.1f / %.1f µs", aggs[0].cpu, aggs[1].cpu, aggs[2].cpu, aggs[3].cpu))
	x := ratio(3, 2, thr)
	r.figure(db, "throughput 3/2 (cache hit vs unauthenticated)", fmt.Sprintf("%.2f×", x), "≥ 0.90×", x >= 0.90)
	x = ratio(3, 1, thr)
	r.figure(db, "throughput 3/1 (cache hit vs bare handler)", fmt.Sprintf("%.2f×", x), "≥ 0.45×", x >= 0.45)
	r.info(db, "throughput 4/3 (cache off vs on)", fmt.Sprintf("%.2f×", ratio(4, 3, thr)))
	// Latency comparisons: the targets are judged on the mixed streams (both halves
	// measured at the same moments); the separate runs are shown beside them.
	mixedRatio := func(p float64) (x, a, b float64) {
		var xs, as, bs []float64
		for _, m := range run.mixed {
			if m[0].requests == 0 || m[1].requests == 0 {
				continue
			}
			pa, pb := float64(m[1].percentile(p)), float64(m[0].percentile(p))
			as, bs = append(as, pa), append(bs, pb)
			if pb > 0 {
				xs = append(xs, pa/pb)
			}
		}
		return median(xs), median(as), median(bs)
	}
	x, a, b := mixedRatio(0.5)
	r.figure(db, "p50 at the fixed rate, 3 vs 2 (one mixed stream)", fmt.Sprintf("%s vs %s: %+.0f%%", fmtDur(time.Duration(a)), fmtDur(time.Duration(b)), (x-1)*100), "auth adds ≤ 10%", x <= 1.10)
	x, a, b = mixedRatio(0.99)
	r.figure(db, "p99 at the fixed rate, 3 vs 2 (one mixed stream)", fmt.Sprintf("%s vs %s: %+.0f%%", fmtDur(time.Duration(a)), fmtDur(time.Duration(b)), (x-1)*100), "auth adds ≤ 20%", x <= 1.20)
	x = ratio(3, 2, p50)
	y := ratio(3, 2, p99)
	r.info(db, "p50 / p99 at the fixed rate, 3 vs 2, in separate runs", fmt.Sprintf("%+.0f%% / %+.0f%% (%s vs %s / %s vs %s)", (x-1)*100, (y-1)*100,
		fmtDur(time.Duration(aggs[2].p50)), fmtDur(time.Duration(aggs[1].p50)), fmtDur(time.Duration(aggs[2].p99)), fmtDur(time.Duration(aggs[1].p99))))
	x = ratio(5, 6, thr)
	r.figure(db, "throughput 5/6 (the server's `{ __typename }` with a cached key vs gqlgen's own server)", fmt.Sprintf("%.2f× (%.1f vs %.1f µs CPU/req)", x, aggs[4].cpu, aggs[5].cpu), "≥ 0.95×", x >= 0.95)
	r.info(db, "throughput 7/1 (gqlgen's own server `{ viewer { name } }` vs bare)", fmt.Sprintf("%.2f×", ratio(7, 1, thr)))
	r.info(db, "throughput 3/7 (the server's `{ viewer { name } }` with a cached key vs gqlgen's own)", fmt.Sprintf("%.2f×", ratio(3, 7, thr)))
	x = ratio(4, 3, p99)
	r.figure(db, "p99 at the fixed rate, 4 (miss) vs 3 (hit)", fmt.Sprintf("%s vs %s: %.2f×", fmtDur(time.Duration(aggs[3].p99)), fmtDur(time.Duration(aggs[2].p99)), x), "≤ 3×", x <= 3)
	mixedLines := []string{"", fmt.Sprintf("Cases 2 and 3 in one stream, per round: one open-loop stream alternating requests without and with a key to the same server, each half at %.0f req/s over its own %d connections; p50 / p99 of each half, measured at the same moments.", run.rate, r.cfg.openConns/2), "",
		"| round | case 2 | case 3 |", "|---|---|---|"}
	cell := func(l loadResult) string {
		if l.requests == 0 {
			return "—"
		}
		return fmt.Sprintf("%s / %s%s", fmtDur(l.percentile(0.5)), fmtDur(l.percentile(0.99)), errNote(l))
	}
	for ri, m := range run.mixed {
		mixedLines = append(mixedLines, fmt.Sprintf("| %d | %s | %s |", ri+1, cell(m[0]), cell(m[1])))
	}
	sec.lines = append(sec.lines, mixedLines...)
	r.info(db, "p50 at the fixed rate 1 / 2 / 3 / 4", fmt.Sprintf("%s / %s / %s / %s", fmtDur(time.Duration(aggs[0].p50)), fmtDur(time.Duration(aggs[1].p50)), fmtDur(time.Duration(aggs[2].p50)), fmtDur(time.Duration(aggs[3].p50))))
	r.info(db, "p99 at the fixed rate 1 / 2 / 3 / 4", fmt.Sprintf("%s / %s / %s / %s", fmtDur(time.Duration(aggs[0].p99)), fmtDur(time.Duration(aggs[1].p99)), fmtDur(time.Duration(aggs[2].p99)), fmtDur(time.Duration(aggs[3].p99))))
}

// render writes the report.
func (r *report) render() string {
	var b strings.Builder
	mode := "full"
	if r.cfg.quick {
		mode = "quick (BENCH_QUICK=1: smaller seeds, shorter rounds; not the recorded figures)"
	}
	fmt.Fprintf(&b, "## Benchmark run of %s (%s mode, %s)\n\n", r.started.UTC().Format("2006-01-02 15:04 UTC"), mode, r.elapsed.Round(time.Second))
	b.WriteString("### Machine\n\n")
	b.WriteString(strings.Join(r.machineL, "\n") + "\n")
	fmt.Fprintf(&b, "- Other activity on the machine (the benchmark idle): before the run %s; after it %s\n\n", r.busyStart, r.busyEnd)
	b.WriteString("### Data\n\n")
	for _, s := range r.seeds {
		b.WriteString("- " + s + "\n")
	}
	b.WriteString("\n### Every figure next to its target\n\n")
	b.WriteString("| database | figure | value | target | verdict |\n|---|---|---|---|---|\n")
	for _, f := range r.figures {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", f.db, f.name, f.value, f.target, f.verdict)
	}
	for _, s := range r.sections {
		fmt.Fprintf(&b, "\n### %s\n\n", s.title)
		b.WriteString(strings.Join(s.lines, "\n") + "\n")
	}
	return b.String()
}

// busy samples how busy the machine's CPUs are over d (all processes), and the load
// average: the benchmark is only as quiet as the machine.
func busy(d time.Duration) string {
	read := func() (total, idle int64) {
		b, err := os.ReadFile("/proc/stat")
		if err != nil {
			return 0, 0
		}
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			var n int64
			fmt.Sscan(v, &n)
			total += n
			if i == 3 || i == 4 { // idle, iowait
				idle += n
			}
		}
		return total, idle
	}
	t0, i0 := read()
	time.Sleep(d)
	t1, i1 := read()
	load, _ := os.ReadFile("/proc/loadavg")
	la := strings.Fields(string(load))
	pct := 0.0
	if t1 > t0 {
		pct = 100 * float64((t1-t0)-(i1-i0)) / float64(t1-t0)
	}
	s := fmt.Sprintf("%.0f%% of all CPUs busy over %s", pct, d)
	if len(la) > 0 {
		s += ", 1-minute load average " + la[0]
	}
	return s
}
