package app_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apikeys/server/app"
	"apikeys/server/testdb"
)

// The server serves the built admin app: files as they are (hashed assets cached for a
// year), index.html for the app's own routes, never cached, with strict headers.
func TestServesTheAdminApp(t *testing.T) {
	dist := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dist, "assets"), 0o755))
	must(os.WriteFile(filepath.Join(dist, "index.html"), []byte("<!doctype html><title>app</title>"), 0o644))
	must(os.WriteFile(filepath.Join(dist, "assets", "index-abc123.js"), []byte("console.log(1)"), 0o644))
	s := newServer(t, app.Config{DatabaseURL: testdb.SQLite(t), StaticDir: dist})

	get := func(path string) (*http.Response, string) {
		res, err := http.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	for _, path := range []string{"/", "/setup?token=x", "/admin/company-settings/api-keys", "/playground"} {
		res, body := get(path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "<title>app</title>") {
			t.Errorf("GET %s: HTTP %d %q, want index.html", path, res.StatusCode, body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", path, cc)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %s", path, csp, want)
			}
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
	}
	res, body := get("/assets/index-abc123.js")
	if body != "console.log(1)" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %q, Cache-Control %q", body, res.Header.Get("Cache-Control"))
	}
	if res, _ := get("/../../etc/passwd"); res.StatusCode != http.StatusOK {
		t.Errorf("a path outside the app: HTTP %d", res.StatusCode)
	} else if _, body := get("/../../etc/passwd"); strings.Contains(body, "root:") {
		t.Error("served a file outside the app")
	}
}
