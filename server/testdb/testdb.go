// Package testdb gives tests real databases: a fresh SQLite file, and a fresh schema
// on PostgreSQL (APIKEYS_TEST_POSTGRES_URL, by default the local server's database
// "test"). Without PostgreSQL its tests skip loudly, except with CI=true, where they fail.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/lib/pq"
)

// DefaultPostgresURL is the PostgreSQL of a development machine.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the server the tests use.
func PostgresURL() string {
	if u := os.Getenv("APIKEYS_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pingOnce sync.Once
	pingErr  error
)

// Postgres creates an empty schema, dropped when the test ends, and returns a URL
// whose connections use it.
func Postgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	db, err := sql.Open("postgres", base)
	if err == nil {
		pingOnce.Do(func() { pingErr = db.Ping() })
		err = pingErr
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required with CI=true but unreachable at %s: %v", base, err)
		}
		t.Skipf("\n\n*** SKIPPING the PostgreSQL half of this test: no PostgreSQL at %s (%v).\n*** Start it or set APIKEYS_TEST_POSTGRES_URL; with CI=true this is a failure. ***\n\n", base, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// SQLite returns the URL of a new SQLite file in the test's temporary folder.
func SQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "apikeys.db")
}

// Each runs f once on SQLite and once on PostgreSQL, each time on a fresh database.
func Each(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
}
