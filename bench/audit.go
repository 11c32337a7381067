package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"apikeys/ent/audit"
	"apikeys/ent/migrate"
)

// auditTrail measures issue 12 on PostgreSQL: verifyAuditTrail over a long trail and over
// 100,000 entries; the NDJSON export of the long trail (time, and the server's memory
// during it, which must stay flat in the number of entries); and what chaining costs a
// change: createAPIKey p50/p99 on this build and on the last build before the chain,
// side by side in this run.
func (e *benchEnv) auditTrail(ctx context.Context, dbURL string, db *sql.DB, s *seeded) error {
	long, short := e.cfg.auditEntries, min(100_000, e.cfg.auditEntries/2)
	longOrg, shortOrg := s.orgIDs[1], s.orgIDs[2]
	t := time.Now()
	for _, o := range []struct {
		org string
		n   int
	}{{longOrg, long}, {shortOrg, short}} {
		if err := seedAudit(ctx, db, o.org, o.n); err != nil {
			return fmt.Errorf("audit: seeding %d entries: %w", o.n, err)
		}
	}
	checkpoint(ctx, db)
	logf("audit: %d + %d chained entries seeded in %s", long, short, time.Since(t).Round(time.Millisecond))
	e.rep.seeds = append(e.rep.seeds, fmt.Sprintf("PostgreSQL audit trail: %d chained entries in one organization, %d in another (COPY)", long, short))

	p, err := e.startServer(ctx, "audit", e.pin, e.serverEnv(dbURL, s))
	if err != nil {
		return err
	}
	defer p.stop()
	for _, o := range []struct {
		org   string
		admin string
		n     int
	}{{shortOrg, s.adminEmails[2], short}, {longOrg, s.adminEmails[1], long}} {
		token, err := signIn(p.addr, o.admin)
		if err != nil {
			return err
		}
		took, v, err := verifyOnce(p.addr, token)
		if err != nil {
			return err
		}
		if !v.OK || v.EntriesChecked < o.n+1 {
			return fmt.Errorf("audit: verifyAuditTrail of %d entries (and a sign-in): %+v", o.n, v)
		}
		logf("audit: verifyAuditTrail of %d entries in %s", v.EntriesChecked, took.Round(time.Millisecond))
		target, met := "no target", true
		if o.n <= 100_000 {
			target, met = "100,000 entries under 2 s", took < 2*time.Second*time.Duration(max(1, o.n))/100_000
		}
		e.rep.figure("PostgreSQL", fmt.Sprintf("verifyAuditTrail over %d entries", v.EntriesChecked), took.Round(time.Millisecond).String(), target, met)
	}

	token, err := signIn(p.addr, s.adminEmails[1])
	if err != nil {
		return err
	}
	if err := e.exportFigure(p, token, long); err != nil {
		return err
	}
	p.stop()
	return e.chainCost(ctx, dbURL)
}

// seedAudit writes n chained entries for org with COPY, as the server would have chained
// them (ent/audit computes the hashes), after those it already has (earlier parts sign
// in and revoke keys), and moves the organization's head. The columns
// are checked against the schema's (ent/migrate): a change there fails here, loudly.
func seedAudit(ctx context.Context, db *sql.DB, org string, n int) error {
	cols := []string{"id", "created_at", "organization_id", "action", "actor_kind", "actor_id", "actor_name",
		"target_kind", "target_id", "target_name", "ip", "user_agent", "metadata", "sequence", "previous_hash", "hash"}
	if err := checkColumns(migrate.AuditEntriesTable, cols); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	var head int64
	if err := tx.QueryRowContext(ctx, "SELECT audit_sequence FROM organizations WHERE id = $1 FOR UPDATE", org).Scan(&head); err != nil {
		return err
	}
	prev := audit.ZeroHash
	if head > 0 {
		if err := tx.QueryRowContext(ctx, "SELECT hash FROM audit_entries WHERE organization_id = $1 AND sequence = $2", org, head).Scan(&prev); err != nil {
			return fmt.Errorf("the head of %s's trail: %w", org, err)
		}
	}
	stmt, err := tx.PrepareContext(ctx, "COPY audit_entries ("+strings.Join(cols, ", ")+") FROM STDIN")
	if err != nil {
		return err
	}
	start := time.Now().UTC().Add(-100 * 24 * time.Hour)
	step := 100 * 24 * time.Hour / time.Duration(n+1)
	actions := []string{"API_KEY_CREATED", "API_KEY_UPDATED", "USER_SIGNED_IN", "API_KEY_REVOKED"}
	for i := range n {
		at := audit.ChainTime(start.Add(time.Duration(i) * step))
		e := audit.Chained{
			OrganizationID: org, Sequence: head + int64(i+1), ID: "aud_" + ulid.MustNew(ulid.Timestamp(at), ulid.DefaultEntropy()).String(),
			Time: at, Action: actions[i%len(actions)], ActorKind: "USER", ActorID: "usr_01BENCHAUDITACTOR0000000000", ActorName: "Bench Auditor",
			TargetKind: "API_KEY", TargetID: fmt.Sprintf("key_01BENCHAUDIT%015d", i%5000), TargetName: fmt.Sprintf("svc-%07d", i%5000),
			IP: fmt.Sprintf("203.0.113.%d", i%250), UserAgent: "bench/1.0 (audit trail)", PreviousHash: prev,
		}
		var meta any
		if e.Action == "API_KEY_UPDATED" {
			e.Metadata = []byte(fmt.Sprintf(`{"name":{"new":"%s (renamed)","old":"%s"}}`, e.TargetName, e.TargetName))
			meta = string(e.Metadata)
		}
		h, err := e.Hash()
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, e.ID, e.Time, org, e.Action, e.ActorKind, e.ActorID, e.ActorName,
			e.TargetKind, e.TargetID, e.TargetName, e.IP, e.UserAgent, meta, e.Sequence, prev, h); err != nil {
			return err
		}
		prev = h
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return err
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE organizations SET audit_sequence = $1 WHERE id = $2", head+int64(n), org); err != nil {
		return err
	}
	return tx.Commit()
}

type verifyResult struct {
	OK             bool `json:"ok"`
	EntriesChecked int  `json:"entriesChecked"`
	Problem        *string
}

func verifyOnce(addr, token string) (time.Duration, verifyResult, error) {
	req := rawRequestHeaders(addr, "/graphql", gqlBody(`{ verifyAuditTrail { ok entriesChecked problem } }`, nil), "Cookie", "apikeys_session="+token)
	t := time.Now()
	status, body, err := oneRequest(addr, req)
	took := time.Since(t)
	if err != nil || status != 200 {
		return 0, verifyResult{}, fmt.Errorf("verifyAuditTrail: HTTP %d %v %s", status, err, truncate(body, 300))
	}
	var out struct {
		Data struct{ VerifyAuditTrail verifyResult }
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, verifyResult{}, err
	}
	return took, out.Data.VerifyAuditTrail, nil
}

// exportFigure downloads the NDJSON export of the long trail and samples the server's
// resident memory while it runs: before, when a tenth of the entries had arrived, and
// at its peak.
func (e *benchEnv) exportFigure(p *proc, token string, n int) error {
	before, err := rssBytes(p.pid)
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		peak = before
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if r, err := rssBytes(p.pid); err == nil {
					mu.Lock()
					peak = max(peak, r)
					mu.Unlock()
				}
			}
		}
	})
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/audit/export?format=ndjson", nil)
	req.Header.Set("Cookie", "apikeys_session="+token)
	t := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		close(done)
		wg.Wait()
		return err
	}
	defer res.Body.Close()
	lines, bytes := 0, int64(0)
	var atTenth int64
	r := bufio.NewReaderSize(res.Body, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		bytes += int64(len(line))
		if len(line) > 0 && line[len(line)-1] == '\n' {
			lines++
			if lines == n/10 {
				mu.Lock()
				atTenth = peak
				mu.Unlock()
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			close(done)
			wg.Wait()
			return fmt.Errorf("audit: reading the export after %d lines: %w", lines, err)
		}
	}
	took := time.Since(t)
	close(done)
	wg.Wait()
	if res.StatusCode != 200 || lines < n {
		return fmt.Errorf("audit: the export answered HTTP %d with %d lines, want %d or more", res.StatusCode, lines, n)
	}
	growth, tenth := peak-before, atTenth-before
	logf("audit: exported %d entries (%.0f MB) in %s; server RSS %s before, +%s at a tenth, +%s at the peak",
		lines, float64(bytes)/1e6, took.Round(time.Millisecond), mib(before), mib(tenth), mib(growth))
	e.rep.figure("PostgreSQL", fmt.Sprintf("NDJSON export of %d entries (%.0f MB)", lines, float64(bytes)/1e6),
		fmt.Sprintf("%s (%.0f entries/s)", took.Round(time.Millisecond), float64(lines)/took.Seconds()), "streamed", true)
	e.rep.figure("PostgreSQL", "the server's memory growth during that export (peak RSS - RSS before; at a tenth of the entries)",
		fmt.Sprintf("+%s (+%s at a tenth)", mib(growth), mib(tenth)), "under 50 MB, flat in the number of entries",
		growth < 50<<20 && growth < tenth+20<<20)
	return nil
}

// chainBaseline is the last commit before the audit chain (issue 12): the build that
// chainCost compares with.
const chainBaseline = "1cec272"

// chainCost measures createAPIKey, one request at a time, on this build and on the
// build of chainBaseline, each on a fresh schema of its own, in alternating rounds.
func (e *benchEnv) chainCost(ctx context.Context, dbURL string) error {
	name := "createAPIKey p50/p99, with the chain and before it (" + chainBaseline + "), same run"
	baseline, err := e.buildAt(ctx, chainBaseline)
	if err != nil {
		e.rep.missing("PostgreSQL", name, "the cost of chaining, measured", err.Error())
		logf("audit: no baseline build: %v", err)
		return nil
	}
	type side struct {
		label string
		bin   string
		p     *proc
		token string
		lat   []time.Duration
	}
	sides := []*side{{label: "chained", bin: e.bin}, {label: "before", bin: baseline}}
	for i, sd := range sides {
		schema := fmt.Sprintf("bench_chain_%d_%d", i, time.Now().UnixNano()/1e6)
		url, err := e.freshSchema(ctx, schema)
		if err != nil {
			return err
		}
		env := []string{"DATABASE_URL=" + url, "APIKEYS_ADDR=127.0.0.1:0", "APIKEYS_STATIC_DIR=" + filepath.Join(e.work, "no-static")}
		email := fmt.Sprintf("chain-%d@bench.example", i)
		if _, err := runCmdStdin(ctx, env, adminPassword+"\n", sd.bin, "create-org", "--name", "Chain "+sd.label, "--admin-email", email, "--admin-name", "Chain Admin"); err != nil {
			return err
		}
		if sd.p, err = startProc(ctx, "chain-"+sd.label, e.work, e.pin, env, sd.bin); err != nil {
			return err
		}
		defer sd.p.stop()
		if sd.token, err = signIn(sd.p.addr, email); err != nil {
			return err
		}
	}
	rounds, per := 5, e.cfg.chainCreates/5
	for r := range rounds {
		for _, sd := range sides {
			for i := range per {
				body := gqlBody(`mutation($n: String!) { createAPIKey(input: {name: $n}) { apiKey { id } } }`, map[string]any{"n": fmt.Sprintf("Chain %d-%d", r, i)})
				req := rawRequestHeaders(sd.p.addr, "/graphql", body, "Cookie", "apikeys_session="+sd.token)
				t := time.Now()
				status, out, err := oneRequest(sd.p.addr, req)
				if err != nil || status != 200 || !strings.Contains(string(out), `"id"`) {
					return fmt.Errorf("createAPIKey on %s: HTTP %d %v %s", sd.label, status, err, truncate(out, 200))
				}
				sd.lat = append(sd.lat, time.Since(t))
			}
		}
	}
	c, b := sides[0].lat, sides[1].lat
	value := fmt.Sprintf("chained p50 %s, p99 %s; before p50 %s, p99 %s (%d each)", fmtDur(percentile(c, 0.5)), fmtDur(percentile(c, 0.99)),
		fmtDur(percentile(b, 0.5)), fmtDur(percentile(b, 0.99)), len(c))
	logf("audit: %s", value)
	e.rep.figure("PostgreSQL", name, value, "no target: the cost, reported", true)
	return nil
}

// buildAt builds the server of commit rev of the source's repository.
func (e *benchEnv) buildAt(ctx context.Context, rev string) (string, error) {
	dir := filepath.Join(e.work, "baseline-src")
	if out, err := exec.CommandContext(ctx, "git", "-C", e.cfg.src, "worktree", "add", "--detach", dir, rev).CombinedOutput(); err != nil {
		return "", fmt.Errorf("git worktree add %s: %v %s", rev, err, strings.TrimSpace(string(out)))
	}
	defer exec.Command("git", "-C", e.cfg.src, "worktree", "remove", "--force", dir).Run() //nolint:errcheck
	bin := filepath.Join(e.work, "apikeys-baseline")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v %s", rev, err, truncate(out, 300))
	}
	return bin, nil
}

// freshSchema creates schema in the benchmark's database (dropped at the end with the
// others) and returns its URL.
func (e *benchEnv) freshSchema(ctx context.Context, schema string) (string, error) {
	admin, err := sql.Open("postgres", e.cfg.pgURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", err
	}
	if !e.cfg.keepSchema {
		e.cleanups = append(e.cleanups, func() {
			stopAll()
			if a, err := sql.Open("postgres", e.cfg.pgURL); err == nil {
				_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
				a.Close()
			}
		})
	}
	return pgSchemaURL(e.cfg.pgURL, schema)
}

// runCmdStdin runs a command with stdin.
func runCmdStdin(ctx context.Context, env []string, stdin, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
