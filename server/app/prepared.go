package app

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	entsql "entgo.io/ent/dialect/sql"
)

// preparedQueries keeps the queries run outside transactions prepared, by their text:
// SQLite compiles a statement on every prepare (about a tenth of the CPU of a page of
// keys), and PostgreSQL parses and plans an unprepared statement on every execution
// (prepared, a page takes 40% less time). database/sql's Stmt prepares each
// on the connections it runs on. A query text stays until maxPrepared texts are kept:
// then all are dropped (texts vary only by the number of ids of an IN list, so this is
// rare).
//
// A statement prepared on PostgreSQL can fail where its query would not: another
// instance's migration changed the type of a column it returns ("cached plan must not
// change result type"), or a pooler in front of the database (PgBouncer in transaction
// mode) sent it to a server connection where it was never prepared, or where another
// client's statement has its name. failed classifies such errors: the query then runs
// again unprepared, and the statement is dropped (it is prepared again next time) or,
// behind a pooler, nothing is prepared any more (each query would fail once first).
type preparedQueries struct {
	db     *sql.DB
	failed func(error) preparedFailure // nil: every error is the query's
	off    atomic.Bool                 // nothing is prepared any more
	mu     sync.Mutex
	stmts  map[string]*preparedQuery
}

// preparedFailure is what an error of a prepared statement says about it.
type preparedFailure int

const (
	queryFailed    preparedFailure = iota // the query's own error: returned
	statementStale                        // run the query unprepared, prepare it again next time
	cannotPrepare                         // run it unprepared, and every later query
)

const maxPrepared = 256

type preparedQuery struct {
	stmt    *sql.Stmt
	running int  // queries started on stmt and not yet returned
	dropped bool // no longer in stmts: closed when nothing runs on it
}

func newPreparedQueries(db *sql.DB, failed func(error) preparedFailure) *preparedQueries {
	return &preparedQueries{db: db, failed: failed, stmts: map[string]*preparedQuery{}}
}

// Query is entsql.Conn's Query (v a *entsql.Rows, args a []any) through the
// statement prepared for query.
func (p *preparedQueries) Query(ctx context.Context, query string, args []any, v *entsql.Rows) error {
	if p.off.Load() {
		return p.unprepared(ctx, query, args, v)
	}
	q, err := p.acquire(ctx, query)
	if err != nil {
		if p.classify(err) == cannotPrepare {
			p.stop()
			return p.unprepared(ctx, query, args, v)
		}
		return err
	}
	rows, err := q.stmt.QueryContext(ctx, args...) // the rows hold the statement until closed
	p.release(q)
	switch p.classify(err) {
	case statementStale:
		p.drop(query, q)
		return p.unprepared(ctx, query, args, v)
	case cannotPrepare:
		p.stop()
		return p.unprepared(ctx, query, args, v)
	}
	if err != nil {
		return err
	}
	*v = entsql.Rows{ColumnScanner: rows}
	return nil
}

func (p *preparedQueries) classify(err error) preparedFailure {
	if err == nil || p.failed == nil {
		return queryFailed
	}
	return p.failed(err)
}

// stop stops preparing: every statement kept is dropped, every later query runs
// unprepared.
func (p *preparedQueries) stop() {
	if !p.off.Swap(true) {
		p.Close()
	}
}

func (p *preparedQueries) unprepared(ctx context.Context, query string, args []any, v *entsql.Rows) error {
	rows, err := p.db.QueryContext(ctx, query, args...)
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

// drop forgets q, the statement of query, if it is still kept: the next query with
// that text prepares it again.
func (p *preparedQueries) drop(query string, q *preparedQuery) {
	p.mu.Lock()
	kept := p.stmts[query] == q
	if kept {
		delete(p.stmts, query)
		q.dropped = true
	}
	unused := kept && q.running == 0 // else the last to release it closes it
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
