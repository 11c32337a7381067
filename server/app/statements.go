package app

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// counting sends statements to a connection or a transaction, counting them: the
// apikeys_db_statements_total metric, and the tests' check that a page of keys costs a
// fixed number of queries, however many keys it shows.
type counting struct {
	to interface {
		dialect.ExecQuerier
		entsql.ExecQuerier
	}
	n *atomic.Uint64
}

func (c counting) Exec(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.to.Exec(ctx, query, args, v)
}

func (c counting) Query(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.to.Query(ctx, query, args, v)
}

func (c counting) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.to.ExecContext(ctx, query, args...)
}

func (c counting) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.to.QueryContext(ctx, query, args...)
}

// countingDriver is Ent's driver, counting every statement, in transactions too; its
// queries outside transactions go through prepared when set.
type countingDriver struct {
	counting
	drv      *entsql.Driver
	prepared *preparedQueries
}

func (d countingDriver) Query(ctx context.Context, query string, args, v any) error {
	rows, isRows := v.(*entsql.Rows)
	argv, isArgs := args.([]any)
	if d.prepared == nil || !isRows || !isArgs {
		return d.counting.Query(ctx, query, args, v)
	}
	d.n.Add(1)
	return d.prepared.Query(ctx, query, argv, rows)
}

func newCountingDriver(drv *entsql.Driver, n *atomic.Uint64) countingDriver {
	return countingDriver{counting: counting{to: drv, n: n}, drv: drv}
}

func (d countingDriver) Dialect() string { return d.drv.Dialect() }
func (d countingDriver) Close() error {
	if d.prepared != nil {
		d.prepared.Close()
	}
	return d.drv.Close()
}
func (d countingDriver) DB() *sql.DB { return d.drv.DB() }

func (d countingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

func (d countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.drv.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	etx, ok := tx.(*entsql.Tx)
	if !ok {
		_ = tx.Rollback()
		return nil, fmt.Errorf("unexpected transaction type %T", tx)
	}
	return countingTx{counting: counting{to: etx, n: d.n}, tx: etx}, nil
}

type countingTx struct {
	counting
	tx *entsql.Tx
}

func (t countingTx) Commit() error   { return t.tx.Commit() }
func (t countingTx) Rollback() error { return t.tx.Rollback() }
