package app

import (
	"context"
	"database/sql"
	"sync"

	entsql "entgo.io/ent/dialect/sql"
)

// preparedQueries keeps SQLite's queries outside transactions prepared: SQLite compiles
// a statement on every prepare, about a tenth of the CPU of a page of keys, and its
// statements stay valid across schema changes (it compiles them again itself).
// database/sql's Stmt prepares each on the connections it runs on. A query text stays
// until maxPrepared texts are kept: then all are dropped (texts vary only by the number
// of ids of an IN list, so this is rare). Not for PostgreSQL: a prepared statement
// there fails once another instance's migration changes the columns it returns.
type preparedQueries struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*preparedQuery
}

const maxPrepared = 256

type preparedQuery struct {
	stmt    *sql.Stmt
	running int  // queries started on stmt and not yet returned
	dropped bool // no longer in stmts: closed when nothing runs on it
}

func newPreparedQueries(db *sql.DB) *preparedQueries {
	return &preparedQueries{db: db, stmts: map[string]*preparedQuery{}}
}

// Query is entsql.Conn's Query (v a *entsql.Rows, args a []any) through the
// statement prepared for query.
func (p *preparedQueries) Query(ctx context.Context, query string, args []any, v *entsql.Rows) error {
	q, err := p.acquire(ctx, query)
	if err != nil {
		return err
	}
	rows, err := q.stmt.QueryContext(ctx, args...) // the rows hold the statement until closed
	p.release(q)
	if err != nil {
		return err
	}
	*v = entsql.Rows{ColumnScanner: rows}
	return nil
}

func (p *preparedQueries) acquire(ctx context.Context, query string) (*preparedQuery, error) {
	p.mu.Lock()
	if q := p.stmts[query]; q != nil {
		q.running++
		p.mu.Unlock()
		return q, nil
	}
	p.mu.Unlock()
	stmt, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	var unused []*sql.Stmt // closed once the lock is let go
	defer func() {
		for _, s := range unused {
			_ = s.Close()
		}
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.stmts[query]; q != nil { // prepared meanwhile by another request
		q.running++
		unused = append(unused, stmt)
		return q, nil
	}
	if len(p.stmts) >= maxPrepared {
		unused = append(unused, p.dropLocked()...)
	}
	q := &preparedQuery{stmt: stmt, running: 1}
	p.stmts[query] = q
	return q, nil
}

func (p *preparedQueries) release(q *preparedQuery) {
	p.mu.Lock()
	q.running--
	unused := q.dropped && q.running == 0
	p.mu.Unlock()
	if unused {
		_ = q.stmt.Close()
	}
}

// dropLocked drops every statement kept and returns those that nothing runs on.
func (p *preparedQueries) dropLocked() (unused []*sql.Stmt) {
	for text, q := range p.stmts {
		delete(p.stmts, text)
		q.dropped = true
		if q.running == 0 {
			unused = append(unused, q.stmt)
		}
	}
	return unused
}

// Close closes every statement kept.
func (p *preparedQueries) Close() {
	p.mu.Lock()
	unused := p.dropLocked()
	p.mu.Unlock()
	for _, s := range unused {
		_ = s.Close()
	}
}
