package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// sweep measures the expiry sweeper on PostgreSQL (issue 10): sweepKeys keys of one
// organization expire at the same moment; how long until every one is in the Revoked
// tab (revoked counter), and the latency of { apiKeyCounts { active } } while the sweep
// runs next to the same query idle, on the same server, one connection asking in a loop.
func (e *benchEnv) sweep(ctx context.Context, dbURL string, db *sql.DB, s *seeded) error {
	n := e.cfg.sweepKeys
	org := s.orgIDs[len(s.orgIDs)-1]
	var account, creator string
	if err := db.QueryRowContext(ctx, `SELECT id FROM service_accounts WHERE organization_id = $1 LIMIT 1`, org).Scan(&account); err != nil {
		return fmt.Errorf("sweep: a service account: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE organization_id = $1 AND role = 'ADMIN' LIMIT 1`, org).Scan(&creator); err != nil {
		return fmt.Errorf("sweep: the admin: %w", err)
	}
	t := time.Now()
	// Keys that expire far ahead, their ids marked; set to expire together below.
	if _, err := db.ExecContext(ctx, `INSERT INTO api_keys (id, created_at, name, name_folded, secret_hash, prefix, last_four,
  status, expires_at, expires_order, last_used_order, organization_id, service_account_id, created_by_id)
SELECT 'key_01SWEEP' || lpad(i::text, 19, '0'), now(), 'Sweep ' || i, 'sweep ' || i, sha256(('sweep ' || i)::bytea), 'gak_', 'SWPx',
  'ACTIVE', now() + interval '1 year', now() + interval '1 year', 'epoch', $1, $2, $3
FROM generate_series(1, $4) AS i`, org, account, creator, n); err != nil {
		return fmt.Errorf("sweep: seeding %d keys: %w", n, err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE organizations SET active_key_count = active_key_count + $2 WHERE id = $1`, org, n); err != nil {
		return err
	}
	logf("sweep: %d keys seeded in %s", n, time.Since(t).Round(time.Millisecond))

	p, err := e.startServer(ctx, "sweeper", false, e.serverEnv(dbURL, s))
	if err != nil {
		return err
	}
	defer p.stop()
	token, err := signIn(p.addr, s.adminEmails[len(s.adminEmails)-1])
	if err != nil {
		return err
	}
	counts := rawRequestHeaders(p.addr, "/graphql", gqlBody(`{ apiKeyCounts { active revoked } }`, nil), "Cookie", "apikeys_session="+token)
	revoked := func() (int, error) {
		status, body, err := oneRequest(p.addr, counts)
		if err != nil || status != 200 {
			return 0, fmt.Errorf("apiKeyCounts: HTTP %d %v %s", status, err, truncate(body, 200))
		}
		var out gqlPage
		if err := json.Unmarshal(body, &out); err != nil {
			return 0, err
		}
		return out.Data.APIKeyCounts.Revoked, nil
	}
	before, err := revoked()
	if err != nil {
		return err
	}
	active := rawRequestHeaders(p.addr, "/graphql", gqlBody(`{ apiKeyCounts { active } }`, nil), "Cookie", "apikeys_session="+token)
	idle, err := timeRequests(p.addr, active, 2000)
	if err != nil {
		return err
	}

	// Every seeded key expires now; the sweeper (every 2 s) ends them in batches of 500.
	if _, err := db.ExecContext(ctx, `UPDATE api_keys SET expires_at = now(), expires_order = now() WHERE id LIKE 'key_01SWEEP%'`); err != nil {
		return err
	}
	expired := time.Now()
	var (
		during []time.Duration
		wg     sync.WaitGroup
		done   = make(chan struct{})
		loadEr error
	)
	wg.Go(func() {
		c, err := dialRaw(p.addr, nil)
		if err != nil {
			loadEr = err
			return
		}
		defer c.close()
		for {
			select {
			case <-done:
				return
			default:
			}
			t := time.Now()
			if _, err := c.do(active); err != nil {
				loadEr = err
				return
			}
			during = append(during, time.Since(t))
		}
	})
	var took time.Duration
	for {
		time.Sleep(100 * time.Millisecond)
		r, err := revoked()
		if err != nil {
			close(done)
			wg.Wait()
			return err
		}
		if r-before >= n {
			took = time.Since(expired)
			break
		}
		if time.Since(expired) > 10*time.Minute {
			close(done)
			wg.Wait()
			return fmt.Errorf("sweep: %d of %d keys ended after 10 minutes", r-before, n)
		}
	}
	close(done)
	wg.Wait()
	if loadEr != nil {
		return loadEr
	}
	ip99, dp99 := percentile(idle, 0.99), percentile(during, 0.99)
	logf("sweep: %d keys ended %s after their expiry; apiKeyCounts p50/p99 idle %s/%s, during the sweep %s/%s (%d requests)",
		n, took.Round(10*time.Millisecond), fmtDur(percentile(idle, 0.5)), fmtDur(ip99), fmtDur(percentile(during, 0.5)), fmtDur(dp99), len(during))
	e.rep.figure("PostgreSQL", fmt.Sprintf("sweep of %d keys expiring at once: until all are in the Revoked tab", n),
		took.Round(10*time.Millisecond).String(), "the API keeps answering", len(during) > 0)
	e.rep.figure("PostgreSQL", "{ apiKeyCounts { active } } during that sweep, next to idle",
		fmt.Sprintf("p50 %s, p99 %s (idle: p50 %s, p99 %s; %d requests)", fmtDur(percentile(during, 0.5)), fmtDur(dp99),
			fmtDur(percentile(idle, 0.5)), fmtDur(ip99), len(during)), "answers throughout", len(during) > 0)
	return nil
}
