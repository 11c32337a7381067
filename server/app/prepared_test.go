package app

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	entsql "entgo.io/ent/dialect/sql"
)

// Prepared queries answer as unprepared ones, from many goroutines at once, past the
// number of texts kept (all dropped, and prepared again); rows being read when their
// statement is dropped stay readable; nothing is left open.
func TestPreparedQueriesAnswerAsUnprepared(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "p.db")+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := newPreparedQueries(db)
	ctx := context.Background()
	query := func(i int) (int, error) {
		var rows entsql.Rows
		if err := p.Query(ctx, fmt.Sprintf("SELECT ? + %d", i), []any{1000}, &rows); err != nil {
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
	if err := p.Query(ctx, "SELECT value FROM json_each('[1,2,3]')", []any{}, &open); err != nil {
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
