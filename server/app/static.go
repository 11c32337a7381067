package app

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// devStaticDir is where a checkout's built app is (npm run build), served by a server
// started from the checkout (make run) when neither Config says otherwise.
const devStaticDir = "frontend/dist"

// appFiles is the admin app to serve, and where it comes from: Config.StaticDir when
// set, else the app built into the binary (Config.App, make build), else a checkout's
// frontend/dist; nil when there is none.
func (a *App) appFiles() (fs.FS, string) {
	has := func(fsys fs.FS) bool {
		fi, err := fs.Stat(fsys, "index.html")
		return err == nil && !fi.IsDir()
	}
	if dir := a.Config.StaticDir; dir != "" {
		if d := os.DirFS(dir); has(d) {
			return d, dir
		}
		return nil, dir
	}
	if a.Config.App != nil && has(a.Config.App) {
		return a.Config.App, "built into the binary"
	}
	if d := os.DirFS(devStaticDir); has(d) {
		return d, devStaticDir
	}
	return nil, ""
}

// static serves the admin app (appFiles): files as they are, hashed assets cached for a
// year, and index.html (never cached) for every other path, so the app's own routes
// (/setup, /playground, …) load it. Without an app it serves a page saying how to build
// one.
func (a *App) static() http.Handler {
	files, _ := a.appFiles()
	if files == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(placeholder))
		})
	}
	server := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if fi, err := fs.Stat(files, name); err == nil && !fi.IsDir() && name != "" {
			if strings.HasPrefix(name, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			server.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, files, "index.html")
	})
}

const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API Keys</title></head>
<body>
<h1>API Keys</h1>
<p>The server is running, but this build has no admin app: the GraphQL API is at
<code>/graphql</code>, and <code>README.md</code> shows how to sign in and call it with curl.</p>
<p>To get the app, build the binary with <code>make build</code> (it builds the app and
embeds it in <code>./apikeys</code>), or run <code>make run</code> from a checkout, or point
<code>APIKEYS_STATIC_DIR</code> at a built app (<code>npm run build</code> makes
<code>frontend/dist</code>).</p>
</body></html>
`
