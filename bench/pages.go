package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// signIn signs in as email at the server and returns the session cookie's value.
func signIn(addr, email string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": adminPassword})
	resp, err := http.Post("http://"+addr+"/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return "", fmt.Errorf("signing in as %s: HTTP %d %s", email, resp.StatusCode, truncate(b.Bytes(), 200))
	}
	for _, c := range resp.Cookies() {
		if c.Name == "apikeys_session" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("signing in as %s: no session cookie", email)
}

// The page as the admin app asks for it (the ApiKeys query and the ApiKeysTable_ApiKey
// fragment of frontend/src/features/api-keys), 50 a page.
const pageFields = `pageInfo { hasNextPage startCursor endCursor } edges { node { id name maskedKey status createdAt createdByName createdByKind
lastUsedAt expiresAt revokedAt revocationReason revokedByName revokedByKind allowedNetworks serviceAccount { id role } } }`

func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

type gqlPage struct {
	Data struct {
		APIKeys struct {
			TotalCount int `json:"totalCount"`
			PageInfo   struct {
				HasNextPage bool   `json:"hasNextPage"`
				EndCursor   string `json:"endCursor"`
			} `json:"pageInfo"`
			Edges []struct {
				Node struct {
					ID        string    `json:"id"`
					CreatedAt time.Time `json:"createdAt"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"apiKeys"`
		APIKeyCounts struct {
			Active  int `json:"active"`
			Revoked int `json:"revoked"`
		} `json:"apiKeyCounts"`
	} `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// timeRequests sends req n times, one after the other on one connection, after a few
// untimed ones, and returns the latencies.
func timeRequests(addr string, req []byte, n int) ([]time.Duration, error) {
	c, err := dialRaw(addr, nil)
	if err != nil {
		return nil, err
	}
	defer c.close()
	lat := make([]time.Duration, 0, n)
	for i := -10; i < n; i++ {
		t := time.Now()
		status, err := c.do(req)
		d := time.Since(t)
		if err != nil {
			return nil, err
		}
		if status != 200 {
			return nil, fmt.Errorf("HTTP %d", status)
		}
		if i >= 0 {
			lat = append(lat, d)
		}
	}
	return lat, nil
}

// timeSQL runs a query n times (after a few untimed runs) and returns the latencies.
func timeSQL(ctx context.Context, db *sql.DB, n int, query string, args ...any) ([]time.Duration, error) {
	stmt, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	lat := make([]time.Duration, 0, n)
	for i := -10; i < n; i++ {
		t := time.Now()
		rows, err := stmt.QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
		d := time.Since(t)
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			lat = append(lat, d)
		}
	}
	return lat, nil
}

// pages measures a page of 50, the next page by its cursor and the tab counts for the
// organization with the most keys, through GraphQL (as its admin) and in SQL.
func (e *benchEnv) pages(ctx context.Context, dbName, dbURL string, db *sql.DB, s *seeded) error {
	n := e.cfg.pageIters
	srv, err := e.startServer(ctx, dbName+"-pages", e.pin, e.serverEnv(dbURL, s))
	if err != nil {
		return err
	}
	defer srv.stop()
	token, err := signIn(srv.addr, s.adminEmails[0])
	if err != nil {
		return err
	}
	cookie := "apikeys_session=" + token
	req := func(query string, vars map[string]any) []byte {
		return rawRequestHeaders(srv.addr, "/graphql", gqlBody(query, vars), "Cookie", cookie)
	}
	pageUI := `query ($after: Cursor) { apiKeys(status: ACTIVE, first: 50, after: $after) { totalCount ` + pageFields + ` } }`
	pageBare := `query ($after: Cursor) { apiKeys(status: ACTIVE, first: 50, after: $after) { ` + pageFields + ` } }`
	counts := `{ apiKeyCounts { active revoked } }`
	idsOnly := `{ apiKeys(status: ACTIVE, first: 50) { edges { node { id } } } }`

	// Check the answers, and take the cursor of the first page.
	var first gqlPage
	if err := fetchJSON(srv.addr, req(pageUI, nil), &first); err != nil {
		return err
	}
	p := first.Data.APIKeys
	if len(p.Edges) != 50 || !p.PageInfo.HasNextPage || p.TotalCount != s.bigOrgActive {
		return fmt.Errorf("%s: the first page has %d keys (hasNextPage %v) of %d, want 50 of %d", dbName, len(p.Edges), p.PageInfo.HasNextPage, p.TotalCount, s.bigOrgActive)
	}
	var cnt gqlPage
	if err := fetchJSON(srv.addr, req(counts, nil), &cnt); err != nil {
		return err
	}
	if cnt.Data.APIKeyCounts.Active != s.bigOrgActive {
		return fmt.Errorf("%s: apiKeyCounts.active = %d, want %d", dbName, cnt.Data.APIKeyCounts.Active, s.bigOrgActive)
	}
	cursor := p.PageInfo.EndCursor
	after := map[string]any{"after": cursor}

	type timed struct {
		name   string
		req    []byte
		target time.Duration
		tname  string
	}
	gql := []timed{
		{"page 1 of 50, as the admin app asks (with totalCount)", req(pageUI, nil), 5 * time.Millisecond, "p99 ≤ 5 ms"},
		{"page 2 by cursor (with totalCount)", req(pageUI, after), 5 * time.Millisecond, "p99 ≤ 5 ms"},
		{"page 1 of 50 without totalCount", req(pageBare, nil), 5 * time.Millisecond, "p99 ≤ 5 ms"},
		{"page 2 by cursor without totalCount", req(pageBare, after), 5 * time.Millisecond, "p99 ≤ 5 ms"},
		{"apiKeyCounts (both tab counters)", req(counts, nil), 2 * time.Millisecond, "p99 ≤ 2 ms"},
		{"(for comparison) page 1 of 50, ids only", req(idsOnly, nil), 0, "—"},
	}
	sec := &section{title: fmt.Sprintf("Pages and counts at %d keys in one organization (%s)", s.bigOrgKeys, dbName)}
	sec.lines = append(sec.lines, fmt.Sprintf("The organization has %d keys, %d active. Each figure: %d requests one after the other on one keep-alive connection (after 10 untimed), latency as the client sees it.", s.bigOrgKeys, s.bigOrgActive, n), "")
	sec.lines = append(sec.lines, "| through GraphQL, as the organization's admin (session) | p50 | p99 | target |", "|---|---:|---:|---|")
	for _, q := range gql {
		lat, err := timeRequests(srv.addr, q.req, n)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", dbName, q.name, err)
		}
		e.recordLatencies(sec, dbName, "GraphQL", q.name, q.tname, q.target, lat)
	}

	// The same at the database layer: what the page and the counters ask of it.
	ph := func(q string) string {
		if dbName == "SQLite" {
			return strings.ReplaceAll(q, "$", "?")
		}
		return q
	}
	cols := "id, created_at, prefix, last_four, status, revoked_at, last_used_at, organization_id, service_account_id, created_by_id, created_by_service_account_id, revoked_by_id, revoked_by_service_account_id"
	page1 := ph("SELECT " + cols + " FROM api_keys WHERE organization_id = $1 AND status = 'ACTIVE' ORDER BY created_at DESC, id DESC LIMIT 51")
	page2 := ph("SELECT " + cols + " FROM api_keys WHERE organization_id = $1 AND status = 'ACTIVE' AND (created_at < $2 OR (created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT 51")
	byStatus := ph("SELECT status, COUNT(*) FROM api_keys WHERE organization_id = $1 GROUP BY status")
	total := ph("SELECT COUNT(*) FROM api_keys WHERE organization_id = $1 AND status = 'ACTIVE'")
	org := s.orgIDs[0]
	// The cursor of page 2: the 50th row of page 1.
	var lastID string
	var lastAt time.Time
	rows, err := db.QueryContext(ctx, ph("SELECT id, created_at FROM api_keys WHERE organization_id = $1 AND status = 'ACTIVE' ORDER BY created_at DESC, id DESC LIMIT 50"), org)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := rows.Scan(&lastID, &lastAt); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if last := p.Edges[len(p.Edges)-1].Node.ID; last != lastID {
		return fmt.Errorf("%s: the SQL page ends at %s, the GraphQL page at %s", dbName, lastID, last)
	}
	sqls := []struct {
		name, query string
		args        []any
		target      time.Duration
		tname       string
	}{
		{"keyset page 1 (LIMIT 51)", page1, []any{org}, 2 * time.Millisecond, "p99 ≤ 2 ms"},
		{"keyset page 2 (after the cursor)", page2, []any{org, lastAt, lastID}, 2 * time.Millisecond, "p99 ≤ 2 ms"},
		{"count by status (GROUP BY over the organization's keys)", byStatus, []any{org}, 2 * time.Millisecond, "p99 ≤ 2 ms"},
		{"count of active keys (totalCount)", total, []any{org}, 0, "—"},
	}
	// The server keeps the tab counters in the organization's row (kept in the
	// transactions that create and revoke keys): that read is what apiKeyCounts costs,
	// and the GROUP BY is then only for comparison.
	if probe, err := db.QueryContext(ctx, "SELECT key_counts_initialized FROM organizations WHERE 1 = 0"); err == nil {
		probe.Close()
		sqls[2].target, sqls[2].tname = 0, "—"
		sqls = append(sqls, struct {
			name, query string
			args        []any
			target      time.Duration
			tname       string
		}{"tab counters (the organization's row, as apiKeyCounts reads them)", ph("SELECT active_key_count, revoked_key_count FROM organizations WHERE id = $1"), []any{org}, 2 * time.Millisecond, "p99 ≤ 2 ms"})
	}
	sec.lines = append(sec.lines, "", "| in SQL (database/sql, prepared, one connection) | p50 | p99 | target |", "|---|---:|---:|---|")
	var plans []string
	for _, q := range sqls {
		lat, err := timeSQL(ctx, db, n, q.query, q.args...)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", dbName, q.name, err)
		}
		e.recordLatencies(sec, dbName, "SQL", q.name, q.tname, q.target, lat)
		plans = append(plans, "-- "+q.name+"\n"+explain(ctx, db, dbName, q.query, q.args))
	}
	sec.lines = append(sec.lines, "", "Plans:", "", "```", strings.Join(plans, "\n"), "```")
	e.rep.sections = append(e.rep.sections, sec)
	return nil
}

// explain returns the query's plan: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN
// on SQLite.
func explain(ctx context.Context, db *sql.DB, dbName, query string, args []any) string {
	q := "EXPLAIN (ANALYZE, BUFFERS) " + query
	if dbName == "SQLite" {
		q = "EXPLAIN QUERY PLAN " + query
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "(" + err.Error() + ")"
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(out, "\n")
}

// fetchJSON sends req and decodes the 200 answer, refusing GraphQL errors.
func fetchJSON(addr string, req []byte, v *gqlPage) error {
	status, body, err := oneRequest(addr, req)
	if err != nil {
		return err
	}
	if status != 200 {
		return fmt.Errorf("HTTP %d %s", status, truncate(body, 300))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %s", err, truncate(body, 300))
	}
	if len(v.Errors) > 0 {
		return fmt.Errorf("GraphQL errors: %s", truncate(body, 300))
	}
	return nil
}

// recordLatencies adds a query's p50 and p99 to the section's table and to the figures,
// judged against target (p99) when there is one.
func (e *benchEnv) recordLatencies(sec *section, dbName, layer, name, tname string, target time.Duration, lat []time.Duration) {
	p50, p99 := percentile(lat, 0.5), percentile(lat, 0.99)
	sec.lines = append(sec.lines, fmt.Sprintf("| %s | %s | %s | %s |", name, fmtDur(p50), fmtDur(p99), tname))
	value := fmt.Sprintf("p50 %s, p99 %s", fmtDur(p50), fmtDur(p99))
	if target > 0 {
		e.rep.figure(dbName, layer+" "+name, value, tname, p99 <= target)
	} else {
		e.rep.info(dbName, layer+" "+name, value)
	}
}
