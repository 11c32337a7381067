package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/oklog/ulid/v2"
	_ "modernc.org/sqlite" // the same pure-Go driver as the server

	"entgo.io/ent/dialect/sql/schema"

	"apikeys/ent/keys"
	"apikeys/ent/migrate"
	"apikeys/ent/password"
	entschema "apikeys/ent/schema"
)

// adminPassword signs in every seeded organization's admin.
const adminPassword = "bench passphrase, not a secret"

// seedSpec says what to seed: orgs organizations, each with one admin; keys API keys
// (each with its own service account, as createAPIKey makes them), of which the first
// bigOrg belong to organization 0 and the rest are spread over the others; every tenth
// key is revoked. The secrets of keep active keys, spread over all keys, are kept for
// the load.
type seedSpec struct {
	orgs, keys, bigOrg, keep int
}

// seeded is what the benchmark needs of the seeded database.
type seeded struct {
	orgIDs       []string
	adminEmails  []string
	secrets      []string // active keys' secrets, spread over the organizations
	viewer       string   // a VIEWER key for BENCH_FIXED_VIEWER_KEY, not among the load keys
	keys         int
	bigOrgKeys   int
	bigOrgActive int
}

// loadSecrets returns n secrets spread evenly over the kept ones, never the viewer's.
func (s *seeded) loadSecrets(n int) []string {
	pool := s.secrets
	if n > len(pool) {
		n = len(pool)
	}
	out := make([]string, n)
	for j := range out {
		out[j] = pool[j*len(pool)/n]
	}
	return out
}

type orgRow struct {
	id, name, adminID, adminName, email string
	created                             time.Time
}

type keyRow struct {
	id, saID, org, admin, name string
	hash                       [32]byte
	created                    time.Time
	revoked                    bool
}

// generate makes the rows: real keys from keys.Generate, hashed as the server hashes
// them, and ids shaped as the server's (prefix + ULID of the creation time).
func generate(spec seedSpec) ([]orgRow, []keyRow, *seeded, error) {
	if spec.orgs < 2 {
		spec.orgs = 2
	}
	rng := rand.NewChaCha8([32]byte{'a', 'p', 'i', 'k', 'e', 'y', 's'})
	newID := func(prefix string, t time.Time) string {
		return prefix + "_" + ulid.MustNew(ulid.Timestamp(t), rng).String()
	}
	base := time.Now().UTC().Add(-time.Duration(spec.keys+10_000) * time.Millisecond).Truncate(time.Millisecond)
	orgs := make([]orgRow, spec.orgs)
	out := &seeded{keys: spec.keys, bigOrgKeys: spec.bigOrg}
	for i := range orgs {
		t := base.Add(time.Duration(i) * time.Microsecond)
		orgs[i] = orgRow{
			id: newID("org", t), name: fmt.Sprintf("Bench Org %d", i),
			adminID: newID("usr", t), adminName: fmt.Sprintf("Bench Admin %d", i),
			email: fmt.Sprintf("admin-%d@bench.example", i), created: t,
		}
		out.orgIDs = append(out.orgIDs, orgs[i].id)
		out.adminEmails = append(out.adminEmails, orgs[i].email)
	}
	active := spec.keys - spec.keys/10
	stride := max(1, active/(spec.keep+1))
	rows := make([]keyRow, spec.keys)
	for i := range rows {
		org := 0
		if i >= spec.bigOrg {
			org = 1 + (i-spec.bigOrg)%(spec.orgs-1)
		}
		secret, err := keys.Generate()
		if err != nil {
			return nil, nil, nil, err
		}
		t := base.Add(10*time.Second + time.Duration(i)*time.Millisecond)
		revoked := i%10 == 9
		rows[i] = keyRow{
			id: newID("key", t), saID: newID("sa", t), org: orgs[org].id, admin: orgs[org].adminID,
			name: fmt.Sprintf("svc-%07d", i), hash: sha256.Sum256([]byte(secret)), created: t, revoked: revoked,
		}
		if org == 0 && !revoked {
			out.bigOrgActive++
		}
		if !revoked && i%stride == 0 && len(out.secrets) < spec.keep+1 {
			if h, err := keys.Parse(secret); err != nil || h != rows[i].hash {
				return nil, nil, nil, fmt.Errorf("a generated key does not parse: %v", err)
			}
			out.secrets = append(out.secrets, secret)
		}
	}
	if len(out.secrets) < 2 {
		return nil, nil, nil, fmt.Errorf("too few keys seeded")
	}
	out.viewer = out.secrets[len(out.secrets)-1]
	out.secrets = out.secrets[:len(out.secrets)-1]
	return orgs, rows, out, nil
}

// pgSchemaURL returns the URL with search_path set to schema.
func pgSchemaURL(raw, schema string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// seedPostgres fills the migrated schema behind dsn with COPY: the secondary indexes of
// the two big tables are dropped first and rebuilt after, and foreign-key triggers are
// skipped (session_replication_role = replica) when the role may; the rows are
// consistent by construction.
func seedPostgres(ctx context.Context, dsn string, spec seedSpec) (*seeded, error) {
	t0 := time.Now()
	orgs, rows, out, err := generate(spec)
	if err != nil {
		return nil, err
	}
	logf("PostgreSQL: generated %d keys in %d organizations in %s", len(rows), len(orgs), time.Since(t0).Round(time.Millisecond))
	pw, err := password.Hash(context.Background(), adminPassword)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		logf("PostgreSQL: cannot skip foreign-key triggers (%v); seeding with them", err)
		_ = tx.Rollback()
		if tx, err = db.BeginTx(ctx, nil); err != nil {
			return nil, err
		}
	}
	// Secondary indexes not backing a constraint: drop now, rebuild after the COPY.
	var rebuild []string
	irows, err := tx.QueryContext(ctx, `
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid IN ('api_keys'::regclass, 'service_accounts'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`)
	if err != nil {
		return nil, err
	}
	var drop []string
	for irows.Next() {
		var name, def string
		if err := irows.Scan(&name, &def); err != nil {
			irows.Close()
			return nil, err
		}
		drop = append(drop, name)
		rebuild = append(rebuild, def)
	}
	irows.Close()
	for _, name := range drop {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return nil, err
		}
	}
	copyRows := func(table string, cols []string, n int, row func(i int) []any) error {
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = pq.QuoteIdentifier(c)
		}
		stmt, err := tx.PrepareContext(ctx, "COPY "+pq.QuoteIdentifier(table)+" ("+strings.Join(quoted, ", ")+") FROM STDIN")
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
				stmt.Close()
				return fmt.Errorf("COPY %s: %w", table, err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			stmt.Close()
			return fmt.Errorf("COPY %s: %w", table, err)
		}
		return stmt.Close()
	}
	t1 := time.Now()
	for _, t := range seedTables(orgs, rows, pw) {
		cols, row, err := t.columns()
		if err != nil {
			return nil, err
		}
		if err := copyRows(t.table.Name, cols, t.n, row); err != nil {
			return nil, err
		}
	}
	logf("PostgreSQL: copied the rows in %s; rebuilding %d indexes", time.Since(t1).Round(time.Millisecond), len(rebuild))
	t2 := time.Now()
	if _, err := tx.ExecContext(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
		return nil, err
	}
	for _, def := range rebuild {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return nil, fmt.Errorf("%s: %w", def, err)
		}
	}
	if err := fillTabCounters(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	for _, t := range []string{"organizations", "users", "service_accounts", "api_keys"} {
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE "+t); err != nil {
			return nil, err
		}
	}
	checkpoint(ctx, db)
	logf("PostgreSQL: indexes rebuilt, tables analyzed and checkpointed in %s", time.Since(t2).Round(time.Millisecond))
	return out, nil
}

// checkpoint makes PostgreSQL write out what a seed dirtied (hundreds of MB) now:
// else its next checkpoint writes it during the measurements that follow, which then
// stall for tens of ms (a page, a revocation).
func checkpoint(ctx context.Context, db *sql.DB) {
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		logf("PostgreSQL: CHECKPOINT refused (%v): the seed's pages may be written out during the measurements", err)
	}
}

// fillTabCounters sets the organizations' tab counters (active_key_count,
// revoked_key_count), when the schema has them, as the server keeps them: the bulk
// insert bypasses the transactions that maintain them.
func fillTabCounters(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) error {
	rows, err := db.QueryContext(ctx, "SELECT key_counts_initialized FROM organizations WHERE 1 = 0")
	if err != nil {
		return nil // no counters in this schema
	}
	rows.Close()
	_, err = db.ExecContext(ctx, `UPDATE organizations SET
  active_key_count = (SELECT count(*) FROM api_keys k WHERE k.organization_id = organizations.id AND k.status = 'ACTIVE'),
  revoked_key_count = (SELECT count(*) FROM api_keys k WHERE k.organization_id = organizations.id AND k.status = 'REVOKED'),
  key_counts_initialized = true`)
	if err != nil {
		return fmt.Errorf("filling the tab counters: %w", err)
	}
	return nil
}

// lastFourOf is a plausible masked preview; the real last four characters are not
// needed (only the hash authenticates) and the secrets of most keys are not kept.
func lastFourOf(r *keyRow) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 4)
	for i := range b {
		b[i] = alphabet[int(r.hash[i])%len(alphabet)]
	}
	return string(b)
}

// sqliteDSN opens the file as the server does, without foreign-key enforcement for the
// bulk insert.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=foreign_keys(0)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
}

// seedSQLite fills the migrated SQLite file in one transaction of prepared inserts.
func seedSQLite(ctx context.Context, path string, spec seedSpec) (*seeded, error) {
	t0 := time.Now()
	orgs, rows, out, err := generate(spec)
	if err != nil {
		return nil, err
	}
	pw, err := password.Hash(context.Background(), adminPassword)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck
	insert := func(table string, cols []string, n int, row func(i int) []any) error {
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")"
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := 0; i < n; i++ {
			if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		return nil
	}
	for _, t := range seedTables(orgs, rows, pw) {
		cols, row, err := t.columns()
		if err != nil {
			return nil, err
		}
		if err := insert(t.table.Name, cols, t.n, row); err != nil {
			return nil, err
		}
	}
	if err := fillTabCounters(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	logf("SQLite: seeded %d keys in %d organizations in %s", len(rows), len(orgs), time.Since(t0).Round(time.Millisecond))
	return out, nil
}

// seedTable is the rows of one table, as both databases are seeded: the table as the
// schema's own migration makes it (ent/migrate) and the value of each column the bench
// fills, by name.
type seedTable struct {
	table  *schema.Table
	n      int
	values map[string]func(i int) any
}

// columns returns the columns to write, in the table's order, with the row of i's
// values. It fails on a column the table does not have, and on one the bench leaves out
// that the database cannot fill (NOT NULL without a default): a schema change stops the
// seed with the column's name instead of seeding rows the server does not expect.
func (t seedTable) columns() (names []string, row func(i int) []any, err error) {
	var fill []func(int) any
	for _, c := range t.table.Columns {
		if v, ok := t.values[c.Name]; ok {
			names = append(names, c.Name)
			fill = append(fill, v)
		}
	}
	if err := checkColumns(t.table, slices.Collect(maps.Keys(t.values))); err != nil {
		return nil, nil, err
	}
	return names, func(i int) []any {
		out := make([]any, len(fill))
		for j, f := range fill {
			out[j] = f(i)
		}
		return out
	}, nil
}

// checkColumns fails on a column of filled the table does not have, and on one filled
// leaves out that the database cannot fill (NOT NULL without a default).
func checkColumns(table *schema.Table, filled []string) error {
	for _, name := range filled {
		if !slices.ContainsFunc(table.Columns, func(c *schema.Column) bool { return c.Name == name }) {
			return fmt.Errorf("the schema has no column %s.%s: update the bench's seed", table.Name, name)
		}
	}
	for _, c := range table.Columns {
		if !c.Nullable && c.Default == nil && !slices.Contains(filled, c.Name) {
			return fmt.Errorf("the bench seeds no value for %s.%s, which the schema requires: add it to the bench's seed", table.Name, c.Name)
		}
	}
	return nil
}

// seedTables describes the rows to write, table by table in foreign-key order.
func seedTables(orgs []orgRow, rows []keyRow, pw string) []seedTable {
	org := func(i int) *orgRow { return &orgs[i] }
	key := func(i int) *keyRow { return &rows[i] }
	revoked := func(i int, v any) any {
		if key(i).revoked {
			return v
		}
		return nil
	}
	return []seedTable{
		{migrate.OrganizationsTable, len(orgs), map[string]func(int) any{
			"id":         func(i int) any { return org(i).id },
			"created_at": func(i int) any { return org(i).created },
			"name":       func(i int) any { return org(i).name },
		}},
		{migrate.UsersTable, len(orgs), map[string]func(int) any{
			"id":              func(i int) any { return org(i).adminID },
			"created_at":      func(i int) any { return org(i).created },
			"name":            func(i int) any { return org(i).adminName },
			"email":           func(i int) any { return org(i).email },
			"password_hash":   func(int) any { return pw },
			"role":            func(int) any { return "ADMIN" },
			"organization_id": func(i int) any { return org(i).id },
		}},
		{migrate.ServiceAccountsTable, len(rows), map[string]func(int) any{
			"id":              func(i int) any { return key(i).saID },
			"created_at":      func(i int) any { return key(i).created },
			"name":            func(i int) any { return key(i).name },
			"role":            func(int) any { return "VIEWER" },
			"organization_id": func(i int) any { return key(i).org },
			"created_by_id":   func(i int) any { return key(i).admin },
		}},
		// With the columns the server's start would otherwise fill (its backfills of older
		// keys): expires_order (never), revocation_reason, last_used_order (never used).
		{migrate.APIKeysTable, len(rows), map[string]func(int) any{
			"id":          func(i int) any { return key(i).id },
			"created_at":  func(i int) any { return key(i).created },
			"name":        func(i int) any { return key(i).name },
			"name_folded": func(i int) any { return entschema.FoldName(key(i).name) },
			"secret_hash": func(i int) any { return key(i).hash[:] },
			"prefix":      func(int) any { return keys.Prefix },
			"last_four":   func(i int) any { return lastFourOf(key(i)) },
			"status": func(i int) any {
				if key(i).revoked {
					return "REVOKED"
				}
				return "ACTIVE"
			},
			"revoked_at":         func(i int) any { return revoked(i, key(i).created.Add(time.Second)) },
			"revocation_reason":  func(i int) any { return revoked(i, "MANUAL") },
			"revoked_by_id":      func(i int) any { return revoked(i, key(i).admin) },
			"expires_order":      func(int) any { return entschema.NeverExpires() },
			"last_used_order":    func(int) any { return entschema.NeverUsed() },
			"organization_id":    func(i int) any { return key(i).org },
			"service_account_id": func(i int) any { return key(i).saID },
			"created_by_id":      func(i int) any { return key(i).admin },
		}},
	}
}
