//go:build !embedapp

// Package frontend carries the admin app into the server's binary: `make build` builds
// the app (frontend/dist) and then the binary with -tags embedapp, which embeds it
// (app_embed.go), so that ./apikeys serves the app from any working directory. A plain
// `go build` leaves it out and the server says how to build it.
package frontend

import "io/fs"

// Files is the admin app built into this binary: nil, this build has none.
func Files() fs.FS { return nil }
