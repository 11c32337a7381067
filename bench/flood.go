package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"apikeys/ent/keys"
	"apikeys/server/ratelimit"
)

// flood measures what a flood of refused keys from one address costs on PostgreSQL
// (issue 11): floodRequests requests, all from the benchmark's one address, cycling
// through floodKeys revoked keys and as many well-formed keys that were never stored;
// then a valid key from the same address. The server's limit lets only lookups that
// reach the database count against the address, and answers a key already refused from
// memory: the statements the flood costs must stay within what the limit allows
// (KeyPerIP: its burst, then one a second), over the background work of an idle server
// measured just before, and the valid key must be served.
func (e *benchEnv) flood(ctx context.Context, dbURL string, db *sql.DB, s *seeded) error {
	n, total := e.cfg.floodKeys, e.cfg.floodRequests
	org := s.orgIDs[len(s.orgIDs)-1]
	var account, creator string
	if err := db.QueryRowContext(ctx, `SELECT id FROM service_accounts WHERE organization_id = $1 LIMIT 1`, org).Scan(&account); err != nil {
		return fmt.Errorf("flood: a service account: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE organization_id = $1 AND role = 'ADMIN' LIMIT 1`, org).Scan(&creator); err != nil {
		return fmt.Errorf("flood: the admin: %w", err)
	}
	secrets := make([]string, 2*n) // revoked keys first, then keys never stored
	hashes := make([][]byte, n)
	for i := range secrets {
		secret, err := keys.Generate()
		if err != nil {
			return err
		}
		secrets[i] = secret
		if i < n {
			h := sha256.Sum256([]byte(secret))
			hashes[i] = h[:]
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO api_keys (id, created_at, name, name_folded, secret_hash, prefix, last_four,
  status, revoked_at, revocation_reason, expires_order, last_used_order, organization_id, service_account_id, created_by_id, revoked_by_id)
SELECT 'key_01FLOOD' || lpad(i::text, 19, '0'), now(), 'Flood ' || i, 'flood ' || i, h, 'gak_', 'FLDx',
  'REVOKED', now(), 'MANUAL', '9999-12-31', 'epoch', $1, $2, $3, $3
FROM unnest($4::bytea[]) WITH ORDINALITY AS t(h, i)`, org, account, creator, pq.ByteaArray(hashes)); err != nil {
		return fmt.Errorf("flood: seeding %d revoked keys: %w", n, err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE organizations SET revoked_key_count = revoked_key_count + $2 WHERE id = $1`, org, n); err != nil {
		return err
	}

	// No sweeper and no write of key uses (the valid key's) during the run: the idle
	// server's own statements are then the re-check of revoked keys alone, twice a
	// second, which the figure subtracts.
	p, err := e.startServer(ctx, "flood", false, e.serverEnv(dbURL, s, "APIKEYS_SWEEP_EVERY=1h", "APIKEYS_LAST_USED_FLUSH=1h"))
	if err != nil {
		return err
	}
	defer p.stop()
	// The server has read the active keys' hashes (its filter of known keys): started.
	for _, line := range strings.Split(tail(p.log, 1<<20), "\n") {
		if _, rest, ok := strings.Cut(line, "known keys loaded\" "); ok {
			logf("flood: the server's filter of known keys: %s", rest)
			e.rep.figure("PostgreSQL", "the filter of known keys, read at start", rest, "(measured)", true)
		}
	}
	statements := func() (float64, error) { return metric(p.metricsAddr, "apikeys_db_statements_total") }
	// The background work of the idle server, per second.
	idleFor := 5 * time.Second
	s0, err := statements()
	if err != nil {
		return fmt.Errorf("flood: %w", err)
	}
	time.Sleep(idleFor)
	s1, _ := statements()
	background := (s1 - s0) / idleFor.Seconds()

	// An integration behind the same address, in use before the flood (its key cached).
	inUse := rawRequest(p.addr, "/graphql", viewerQuery, s.secrets[0])
	if status, body, err := oneRequest(p.addr, inUse); err != nil || status != 200 {
		return fmt.Errorf("flood: the valid key before the flood: HTTP %d %v %s", status, err, truncate(body, 200))
	}
	s1, _ = statements()

	reqs := make([][]byte, len(secrets))
	for i, secret := range secrets {
		reqs[i] = rawRequest(p.addr, "/graphql", viewerQuery, secret)
	}
	conns := 16
	cs, err := dialAll(p.addr, conns)
	if err != nil {
		return err
	}
	defer closeAll(cs)
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for c := range cs {
		wg.Go(func() {
			got := map[int]int{}
			for i := c; i < total; i += conns {
				status, err := cs[c].do(reqs[i%len(reqs)])
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
				got[status]++
			}
			mu.Lock()
			for k, v := range got {
				statuses[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	if firstErr != nil {
		return fmt.Errorf("flood: %w", firstErr)
	}
	s2, _ := statements()
	status, body, err := oneRequest(p.addr, inUse)
	if err != nil {
		return fmt.Errorf("flood: the valid key: %w", err)
	}
	// A valid key this instance has not used yet needs a lookup, which the flood has
	// used up for the address; its filter of known keys lets it through.
	fresh, _, err := oneRequest(p.addr, rawRequest(p.addr, "/graphql", viewerQuery, s.secrets[len(s.secrets)-1]))
	if err != nil {
		return fmt.Errorf("flood: a new valid key: %w", err)
	}

	limit := ratelimit.Default.KeyPerIP
	allowed := float64(limit.Burst) + math.Ceil(took.Seconds()/limit.Every.Seconds())
	spent := s2 - s1
	extra := spent - background*took.Seconds()
	others := total - statuses[401] - statuses[429]
	logf("flood: %d requests (%d revoked + %d made-up keys, one address) in %s (%.0f/s): %d × 401, %d × 429, %d other; %.0f statements (idle background %.1f/s, so %.0f for the flood; the limit allows %.0f lookups); then from the same address a valid key in use: HTTP %d, one not used before: HTTP %d",
		total, n, n, took.Round(time.Millisecond), float64(total)/took.Seconds(), statuses[401], statuses[429], others, spent, background, extra, allowed, status, fresh)
	e.rep.figure("PostgreSQL", fmt.Sprintf("flood of %d requests with %d revoked and %d made-up keys from one address: database statements", total, n, n),
		fmt.Sprintf("%.0f (%.0f beyond the idle server's; %d × 401, %d × 429 in %s)", spent, extra, statuses[401], statuses[429], took.Round(time.Millisecond)),
		fmt.Sprintf("≤ %.0f lookups (KeyPerIP: %d, then 1 per %s; ± 1 for a re-check tick)", allowed, limit.Burst, limit.Every), extra <= allowed+1 && others == 0)
	e.rep.figure("PostgreSQL", "after that flood, a valid key in use from the same address", fmt.Sprintf("HTTP %d", status), "HTTP 200", status == 200)
	e.rep.figure("PostgreSQL", "after that flood, a valid key not used before, from the same address", fmt.Sprintf("HTTP %d", fresh), "HTTP 200", fresh == 200)
	if status != 200 {
		logf("flood: the valid key's answer: %s", truncate(body, 300))
	}
	return nil
}
