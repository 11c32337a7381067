package app

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"apikeys/server/testdb"
)

// Prepared queries answer as unprepared ones, from many goroutines at once, past the
// number of texts kept (all dropped, and prepared again); rows being read when their
// statement is dropped stay readable; nothing is left open.
func TestPreparedQueriesAnswerAsUnprepared(t *testing.T) {
	testdb.Each(t, func(t *testing.T, url string) {
		d, p := preparing(t, url)
		sum, series := "SELECT ? + %d", "SELECT value FROM json_each('[1,2,3]')"
		if d.Dialect == dialect.Postgres {
			sum, series = "SELECT $1::int + %d", "SELECT generate_series(1, 3)"
		}
		testPreparedQueries(t, d.DB, p, sum, series)
	})
}

// preparing opens the database at url and keeps statements on it as OpenDatabase does
// (PostgreSQL's failures classified); both are closed when the test ends.
func preparing(t *testing.T, url string) (*Database, *preparedQueries) {
	d, err := OpenDatabase(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	var failed func(error) preparedFailure
	if d.Dialect == dialect.Postgres {
		failed = failedPostgresStatement
	}
	p := newPreparedQueries(d.DB, failed)
	t.Cleanup(p.Close)
	return d, p
}

func testPreparedQueries(t *testing.T, db *sql.DB, p *preparedQueries, sum, series string) {
	ctx := context.Background()
	query := func(i int) (int, error) {
		var rows entsql.Rows
		if err := p.Query(ctx, fmt.Sprintf(sum, i), []any{1000}, &rows); err != nil {
			return 0, err
		}
		defer rows.Close()
		var n int
		if !rows.Next() {
			return 0, fmt.Errorf("no row")
		}
		return n, rows.Scan(&n)
	}

	// A query whose rows are still being read when every statement is dropped.
	var open entsql.Rows
	if err := p.Query(ctx, series, []any{}, &open); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 3 * maxPrepared {
				i := (i + g*97) % (3 * maxPrepared)
				if n, err := query(i); err != nil || n != 1000+i {
					t.Errorf("SELECT ? + %d: %d, %v", i, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	var got []int
	for open.Next() {
		var v int
		if err := open.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := open.Close(); err != nil || fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("rows read across the drop: %v, %v", got, err)
	}
	p.mu.Lock()
	kept := len(p.stmts)
	for _, q := range p.stmts {
		if q.running != 0 {
			t.Errorf("a statement still counted as running: %d", q.running)
		}
	}
	p.mu.Unlock()
	if kept == 0 || kept > maxPrepared {
		t.Fatalf("%d statements kept, want 1 to %d", kept, maxPrepared)
	}
	p.Close()
	if n, err := query(1); err != nil || n != 1001 {
		t.Fatalf("after Close (prepared again): %d, %v", n, err)
	}
	p.Close()
	if s := db.Stats(); s.InUse != 0 {
		t.Fatalf("%d connections still in use", s.InUse)
	}
}

// A statement prepared before another instance's migration changed the type of a
// column it returns still answers, with the new type; on PostgreSQL, so does one that
// is not on the connection it runs on (as behind PgBouncer in transaction mode), and
// then nothing is prepared any more.
func TestPreparedQueriesOutliveMigrations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, url string) {
		d, p := preparing(t, url)
		d.DB.SetMaxOpenConns(1) // the statement and the migration share the connection
		ctx := context.Background()
		exec := func(stmts ...string) {
			t.Helper()
			for _, s := range stmts {
				if _, err := d.DB.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
		text := "SELECT v FROM prepared_t WHERE id = ?"
		if d.Dialect == dialect.Postgres {
			text = "SELECT v FROM prepared_t WHERE id = $1"
		}
		read := func() string {
			t.Helper()
			var rows entsql.Rows
			if err := p.Query(ctx, text, []any{1}, &rows); err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			defer rows.Close()
			var v string
			if !rows.Next() {
				t.Fatalf("%s: no row (%v)", text, rows.Err())
			}
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		exec("CREATE TABLE prepared_t (id integer PRIMARY KEY, v integer)", "INSERT INTO prepared_t VALUES (1, 7)")
		for range 6 { // past PostgreSQL's five custom plans
			if v := read(); v != "7" {
				t.Fatalf("before the migration: %q", v)
			}
		}
		exec("DROP TABLE prepared_t", "CREATE TABLE prepared_t (id integer PRIMARY KEY, v text)", "INSERT INTO prepared_t VALUES (1, 'seven')")
		if v := read(); v != "seven" {
			t.Fatalf("after the migration: %q", v)
		}
		if v := read(); v != "seven" {
			t.Fatalf("prepared again after the migration: %q", v)
		}
		if d.Dialect != dialect.Postgres {
			return
		}
		exec("DEALLOCATE ALL") // as a pooler's other server connection would be
		if v := read(); v != "seven" {
			t.Fatalf("after DEALLOCATE ALL: %q", v)
		}
		if v := read(); v != "seven" || !p.off.Load() {
			t.Fatalf("after DEALLOCATE ALL, unprepared: %q (preparing off: %v)", v, p.off.Load())
		}
	})
}
