package app

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// static serves the built admin app (Config.StaticDir, e.g. frontend/dist): files as
// they are, hashed assets cached for a year, and index.html (never cached) for every
// other path, so the app's own routes (/setup, /playground, …) load it. Without a
// build it serves a page saying how to build one.
func (a *App) static() http.Handler {
	dir := a.Config.StaticDir
	index := filepath.Join(dir, "index.html")
	if _, err := os.Stat(index); dir == "" || err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(placeholder))
		})
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err == nil && !fi.IsDir() {
			if strings.HasPrefix(name, "/assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, index)
	})
}

const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API Keys</title></head>
<body>
<h1>API Keys</h1>
<p>The server is running. The admin app is not built on this server yet:
the GraphQL API is at <code>/graphql</code>, and <code>README.md</code> shows how to
sign in and call it with curl.</p>
</body></html>
`
