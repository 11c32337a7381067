package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// sqlitePart seeds a SQLite file (the large organization and enough keys for the
// load) and runs cases 1-4 and the pages on it.
func (e *benchEnv) sqlitePart(ctx context.Context) error {
	path := filepath.Join(e.work, "bench.db")
	dbURL := "sqlite:" + path
	if _, err := runCmd(ctx, []string{"DATABASE_URL=" + dbURL}, e.bin, "migrate"); err != nil {
		return err
	}
	spec := seedSpec{orgs: 10, keys: e.cfg.bigOrg + e.cfg.sqliteOther, bigOrg: e.cfg.bigOrg, keep: e.cfg.loadKeys}
	s, err := seedSQLite(ctx, path, spec)
	if err != nil {
		return err
	}
	e.rep.seeds = append(e.rep.seeds, fmt.Sprintf("SQLite: %d keys (each with its service account) in %d organizations, %d of them in one organization (%d active); every tenth key revoked",
		s.keys, len(s.orgIDs), s.bigOrgKeys, s.bigOrgActive))
	if _, err := e.cases(ctx, "SQLite", dbURL, s); err != nil {
		return err
	}
	if !e.cfg.skip["layers"] {
		if err := e.layers(ctx, dbURL, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["pages"] {
		db, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			return err
		}
		defer db.Close()
		if err := e.pages(ctx, "SQLite", dbURL, db, s); err != nil {
			return err
		}
	}
	return nil
}

// postgresPart creates a fresh schema, seeds the scale data set, runs cases 1-4, the
// pages, the cache's memory, revocation propagation, the refused-key flood and the
// expiry sweep, and drops the schema.
func (e *benchEnv) postgresPart(ctx context.Context) error {
	admin, err := sql.Open("postgres", e.cfg.pgURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano()/1e6)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", redactURL(e.cfg.pgURL), err)
	}
	logf("PostgreSQL: schema %s", schema)
	if !e.cfg.keepSchema {
		defer func() {
			stopAll() // no server may hold the schema
			if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				logf("PostgreSQL: dropping schema %s: %v", schema, err)
			} else {
				logf("PostgreSQL: dropped schema %s", schema)
			}
		}()
	}
	dbURL, err := pgSchemaURL(e.cfg.pgURL, schema)
	if err != nil {
		return err
	}
	if _, err := runCmd(ctx, []string{"DATABASE_URL=" + dbURL}, e.bin, "migrate"); err != nil {
		return err
	}
	spec := seedSpec{orgs: e.cfg.orgs, keys: e.cfg.keys, bigOrg: e.cfg.bigOrg, keep: e.cfg.warmKeys}
	t := time.Now()
	s, err := seedPostgres(ctx, dbURL, spec)
	if err != nil {
		return err
	}
	e.rep.seeds = append(e.rep.seeds, fmt.Sprintf("PostgreSQL: %d keys (each with its service account) in %d organizations, %d of them in one organization (%d active); every tenth key revoked; seeded in %s",
		s.keys, len(s.orgIDs), s.bigOrgKeys, s.bigOrgActive, time.Since(t).Round(time.Second)))
	if _, err := e.cases(ctx, "PostgreSQL", dbURL, s); err != nil {
		return err
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if !e.cfg.skip["pages"] {
		if err := e.pages(ctx, "PostgreSQL", dbURL, db, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["rss"] {
		if err := e.memory(ctx, dbURL, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["revocation"] {
		if err := e.revocation(ctx, dbURL, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["flood"] {
		if err := e.flood(ctx, dbURL, db, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["audit"] {
		defer func() {
			for _, f := range e.cleanups {
				f()
			}
		}()
		if err := e.auditTrail(ctx, dbURL, db, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["live"] {
		if err := e.live(ctx, dbURL, s); err != nil {
			return err
		}
	}
	if !e.cfg.skip["sweep"] { // last: it revokes keys of the seeded data
		if err := e.sweep(ctx, dbURL, db, s); err != nil {
			return err
		}
	}
	return nil
}

func redactURL(u string) string {
	if at := strings.Index(u, "@"); at > 0 {
		if scheme := strings.Index(u, "://"); scheme > 0 && scheme < at {
			return u[:scheme+3] + "…" + u[at:]
		}
	}
	return u
}
