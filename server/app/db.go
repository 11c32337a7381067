package app

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"  // the "postgres" driver
	"modernc.org/sqlite" // the "sqlite" driver, pure Go

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/migrate"
	_ "apikeys/ent/runtime" // the schemas' privacy policies, hooks and defaults
	"apikeys/ent/schema"
)

// SQLite's own lower() changes ASCII letters only, so the where-inputs' *ContainsFold
// (LOWER(column) LIKE lower-cased text) found no "Ørsted" on SQLite: lower() is
// replaced, for every connection of this process, by Go's, which lower-cases the text
// of the comparison too.
func init() {
	err := sqlite.RegisterDeterministicScalarFunction("lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil // NULL and numbers, as SQLite's lower() returns them
	})
	if err != nil {
		panic(err)
	}
}

// Database is an open database and the Ent client over it.
type Database struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	// sqlitePath is the SQLite file, for the migration lock.
	sqlitePath string
	statements atomic.Uint64
}

// Statements is how many statements the client has sent since the database was opened.
func (d *Database) Statements() uint64 { return d.statements.Load() }

// OpenDatabase opens "sqlite:PATH" (creating the file's folder) or a
// "postgres://..." URL.
func OpenDatabase(url string) (*Database, error) {
	var (
		db         *sql.DB
		err        error
		dia        string
		sqlitePath string
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("DATABASE_URL %q names no file", url)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		// The file holds password and key hashes: readable by the server's user alone.
		// SQLite gives its -wal and -shm files the database file's permissions.
		f, ferr := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o600)
		if ferr != nil {
			return nil, ferr
		}
		f.Close()
		// WAL lets readers run beside the writer; immediate transactions take the write
		// lock at BEGIN, so concurrent writers wait (busy_timeout) instead of failing.
		dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		db, err = sql.Open("sqlite", dsn)
		sqlitePath = path
		dia = dialect.SQLite
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = sql.Open("postgres", postgresDSN(url))
		dia = dialect.Postgres
		if err == nil {
			db.SetMaxOpenConns(20)
			db.SetMaxIdleConns(20)
		}
	default:
		return nil, fmt.Errorf("DATABASE_URL must start with sqlite: or postgres://, not %q", redact(url))
	}
	if err != nil {
		return nil, err
	}
	d := &Database{DB: db, Dialect: dia, sqlitePath: sqlitePath}
	cd := newCountingDriver(entsql.OpenDB(dia, db), &d.statements)
	var drv dialect.Driver
	if dia == dialect.SQLite {
		cd.prepared = newPreparedQueries(db, nil)
		drv = oneWriter{countingDriver: cd, turn: make(chan struct{}, 1)}
	} else {
		cd.prepared = newPreparedQueries(db, failedPostgresStatement)
		drv = cd
	}
	d.Client = ent.NewClient(ent.Driver(drv))
	return d, nil
}

// failedPostgresStatement classifies an error of a prepared statement: SQLSTATE 0A000
// ("cached plan must not change result type": a migration changed a column it returns)
// makes it stale; 26000 ("prepared statement does not exist") and 42P05 ("prepared
// statement already exists") mean that a pooler in transaction mode sends statements to
// other server connections: they cannot be kept.
func failedPostgresStatement(err error) preparedFailure {
	var pe *pq.Error
	switch {
	case !errors.As(err, &pe):
		return queryFailed
	case pe.Code == "0A000":
		return statementStale
	case pe.Code == "26000", pe.Code == "42P05":
		return cannotPrepare
	}
	return queryFailed
}

// postgresDSN turns on lib/pq's binary_parameters unless the URL chooses: a query with
// parameters is then one round trip (Parse, Bind and Execute sent together) instead of
// two (an unnamed statement prepared, then executed). Its one effect on values, []byte
// parameters sent as binary, is what the bytea columns (the hashes) want.
func postgresDSN(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw // sql.Open reports it
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return raw
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// Close closes the database.
func (d *Database) Close() error { return d.Client.Close() }

// OpenMigrated opens the database and brings its schema up to date.
func OpenMigrated(ctx context.Context, url string) (*Database, error) {
	db, err := OpenDatabase(url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

var migrateMu sync.Mutex

// migrationLock serializes migrations of instances that start together on PostgreSQL.
const migrationLock = 0x61706b6579730001

// Migrate brings the schema up to date. It holds a lock (an advisory lock on
// PostgreSQL, a file lock beside the SQLite file), so that processes starting at once
// migrate one after the other.
func (d *Database) Migrate(ctx context.Context) error {
	// Ent's migration writes its shared table descriptions: one at a time per process.
	migrateMu.Lock()
	defer migrateMu.Unlock()
	if d.sqlitePath != "" {
		lock, err := os.OpenFile(d.sqlitePath+".migrate-lock", os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return err
		}
		defer lock.Close()
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			return fmt.Errorf("taking the migration lock: %w", err)
		}
		defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	}
	if d.Dialect == dialect.Postgres {
		conn, err := d.DB.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("taking the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck
	}
	if err := d.Client.Schema.Create(ctx, migrate.WithDropIndex(true)); err != nil {
		return fmt.Errorf("migrating the schema: %w", err)
	}
	// Organizations from before the tab counters: count their keys once.
	if _, err := d.DB.ExecContext(ctx, `UPDATE organizations SET
  active_key_count = (SELECT count(*) FROM api_keys k WHERE k.organization_id = organizations.id AND k.status = 'ACTIVE'),
  revoked_key_count = (SELECT count(*) FROM api_keys k WHERE k.organization_id = organizations.id AND k.status = 'REVOKED'),
  key_counts_initialized = true
WHERE NOT key_counts_initialized`); err != nil {
		return fmt.Errorf("counting the keys of older organizations: %w", err)
	}
	if err := d.backfillKeyNames(ctx); err != nil {
		return fmt.Errorf("copying the names of older keys: %w", err)
	}
	// Keys from before api_keys.expires_order and revocation_reason: none expires; the
	// revoked ones were revoked by someone.
	if _, err := d.DB.ExecContext(ctx, `UPDATE api_keys SET expires_order = $1 WHERE expires_order IS NULL AND expires_at IS NULL`, schema.NeverExpires()); err != nil {
		return fmt.Errorf("ordering older keys by expiry: %w", err)
	}
	if _, err := d.DB.ExecContext(ctx, `UPDATE api_keys SET revocation_reason = 'MANUAL' WHERE status = 'REVOKED' AND revocation_reason IS NULL`); err != nil {
		return fmt.Errorf("giving older revoked keys their reason: %w", err)
	}
	// Keys from before api_keys.last_used_order: sorted by their last use, or as never used.
	if _, err := d.DB.ExecContext(ctx, `UPDATE api_keys SET last_used_order = COALESCE(last_used_at, $1) WHERE last_used_order IS NULL`, schema.NeverUsed()); err != nil {
		return fmt.Errorf("ordering older keys by their last use: %w", err)
	}
	if err := d.chainOlderAudit(ctx); err != nil {
		return fmt.Errorf("chaining older audit entries: %w", err)
	}
	for _, stmt := range appendOnlyAudit[d.Dialect] {
		if _, err := d.DB.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("making the audit trail append-only: %w", err)
		}
	}
	return nil
}

// backfillKeyNames gives keys from before api_keys.name their service account's name
// and its folded form (computed here: SQL has no Unicode case folding), 500 at a time.
func (d *Database) backfillKeyNames(ctx context.Context) error {
	if _, err := d.DB.ExecContext(ctx, `UPDATE api_keys SET name = (SELECT s.name FROM service_accounts s WHERE s.id = api_keys.service_account_id) WHERE name = ''`); err != nil {
		return err
	}
	for {
		rows, err := d.DB.QueryContext(ctx, `SELECT id, name FROM api_keys WHERE name_folded = '' AND name <> '' LIMIT 500`)
		if err != nil {
			return err
		}
		type named struct{ id, name string }
		var batch []named
		for rows.Next() {
			var n named
			if err := rows.Scan(&n.id, &n.name); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, n)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		tx, err := d.DB.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, n := range batch {
			if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET name_folded = $1 WHERE id = $2`, cmp.Or(schema.FoldName(n.name), n.name), n.id); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
}

// chainOlderAudit chains the audit entries written before the hash chain (or by an
// older version during an upgrade), in creation order: the one update of entries ever
// made, with the append-only triggers off in its transaction (PostgreSQL) or dropped
// until Migrate makes them again (SQLite).
func (d *Database) chainOlderAudit(ctx context.Context) error {
	var unchained bool
	if err := d.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_entries WHERE sequence IS NULL)`).Scan(&unchained); err != nil {
		return err
	}
	if !unchained {
		return nil
	}
	if d.Dialect == dialect.SQLite {
		for _, t := range []string{"audit_entries_no_update", "audit_entries_no_delete"} {
			if _, err := d.DB.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+t); err != nil {
				return err
			}
		}
	}
	tx, err := d.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if d.Dialect == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE audit_entries DISABLE TRIGGER USER"); err != nil {
			return err
		}
	}
	if _, err := audit.ChainOlder(ctx, tx); err != nil {
		return err
	}
	if d.Dialect == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE audit_entries ENABLE TRIGGER USER"); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// appendOnlyAudit makes the database itself refuse to change or remove audit entries,
// whatever client connects (the Ent hook only guards this program).
var appendOnlyAudit = map[string][]string{
	dialect.Postgres: {
		`CREATE OR REPLACE FUNCTION apikeys_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
END $$`,
		`CREATE OR REPLACE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION apikeys_audit_append_only()`,
		`CREATE OR REPLACE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION apikeys_audit_append_only()`,
	},
	dialect.SQLite: {
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
  BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
  BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
	},
}

// redact hides a password in a database URL.
func redact(url string) string {
	if at := strings.Index(url, "@"); at > 0 {
		if scheme := strings.Index(url, "://"); scheme > 0 && scheme < at {
			return url[:scheme+3] + "…" + url[at:]
		}
	}
	return url
}

// oneWriter hands SQLite's write lock to the process's transactions in turn. SQLite has
// one writer, and its busy timeout is a loop of sleeps and retries without a queue:
// under sustained contention on a loaded machine, one transaction can lose every retry
// until its timeout and fail (16 concurrent renames in one organization did, in CI). A
// channel of one slot queues them instead, in arrival order. (Every transaction takes
// the write lock at BEGIN anyway: _txlock=immediate.)
type oneWriter struct {
	countingDriver
	turn chan struct{}
}

func (d oneWriter) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

func (d oneWriter) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	select {
	case d.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tx, err := d.countingDriver.BeginTx(ctx, opts)
	if err != nil {
		<-d.turn
		return nil, err
	}
	return &turnTx{countingTx: tx.(countingTx), turn: d.turn}, nil
}

// turnTx gives the turn back when it ends.
type turnTx struct {
	countingTx
	turn chan struct{}
	once sync.Once
}

func (t *turnTx) Commit() error {
	defer t.end()
	return t.countingTx.Commit()
}

func (t *turnTx) Rollback() error {
	defer t.end()
	return t.countingTx.Rollback()
}

func (t *turnTx) end() { t.once.Do(func() { <-t.turn }) }
