//go:build embedapp

package frontend

import (
	"embed"
	"io/fs"
)

// dist is the built admin app; `make build` builds it (npm run build) before the binary.
//
//go:embed all:dist
var dist embed.FS

// Files is the admin app built into this binary.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}
