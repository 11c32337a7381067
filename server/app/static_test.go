package app_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

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

// The app built into the binary (make build) is served without any folder; a
// StaticDir, when set, is served instead; with neither, a page says how to get the app.
func TestServesTheAppBuiltIntoTheBinary(t *testing.T) {
	built := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>built in</title>")},
		"assets/index-9f8e.js": {Data: []byte("console.log('built in')")},
	}
	get := func(s *server, path string) (*http.Response, string) {
		res, err := http.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	s := newServer(t, app.Config{DatabaseURL: testdb.SQLite(t), App: built})
	for _, path := range []string{"/", "/admin/company-settings/api-keys?tab=revoked"} {
		if res, body := get(s, path); res.StatusCode != http.StatusOK || !strings.Contains(body, "built in") || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: HTTP %d %q", path, res.StatusCode, body)
		}
	}
	if res, body := get(s, "/assets/index-9f8e.js"); body != "console.log('built in')" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %q %v", body, res.Header)
	}

	dist := t.TempDir()
	if err := os.WriteFile(filepath.Join(dist, "index.html"), []byte("<title>from the folder</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = newServer(t, app.Config{DatabaseURL: testdb.SQLite(t), App: built, StaticDir: dist})
	if _, body := get(s, "/"); !strings.Contains(body, "from the folder") {
		t.Errorf("APIKEYS_STATIC_DIR did not win: %q", body)
	}

	// This package's folder has no frontend/dist: no app at all.
	s = newServer(t, app.Config{DatabaseURL: testdb.SQLite(t)})
	if res, body := get(s, "/"); res.StatusCode != http.StatusOK || !strings.Contains(body, "make build") {
		t.Errorf("without an app: HTTP %d %q", res.StatusCode, body)
	}
}
