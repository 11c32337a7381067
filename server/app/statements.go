package app

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// countingDriver is Ent's driver, counting the statements it sends (outside and inside
// transactions): the apikeys_db_statements_total metric, and the tests' check that a
// page of keys costs a fixed number of queries, however many keys it shows.
type countingDriver struct {
	*entsql.Driver
	n *atomic.Uint64
}

func (d countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

func (d countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	d.n.Add(1)
	return d.Driver.ExecContext(ctx, query, args...)
}

func (d countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	d.n.Add(1)
	return d.Driver.QueryContext(ctx, query, args...)
}

func (d countingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

func (d countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	etx, ok := tx.(*entsql.Tx)
	if !ok {
		_ = tx.Rollback()
		return nil, fmt.Errorf("unexpected transaction type %T", tx)
	}
	return countingTx{Tx: etx, n: d.n}, nil
}

type countingTx struct {
	*entsql.Tx
	n *atomic.Uint64
}

func (t countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, query, args, v)
}

func (t countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.n.Add(1)
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.n.Add(1)
	return t.Tx.QueryContext(ctx, query, args...)
}
