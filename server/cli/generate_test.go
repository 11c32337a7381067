package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed client (generated.go) must be what genqlient makes of the server's
// schema (graph/*.graphqls) and operations.graphql today: regenerate into a copy and
// compare. A schema change that breaks an operation fails here too.
func TestGeneratedClientIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regeneration takes a while; not in -short")
	}
	tmp := t.TempDir()
	copyFiles(t, "../../graph/*.graphqls", filepath.Join(tmp, "graph"))
	copyFiles(t, "genqlient.yaml", filepath.Join(tmp, "server", "cli"))
	copyFiles(t, "*.graphql", filepath.Join(tmp, "server", "cli"))
	cmd := exec.Command("go", "tool", "genqlient", filepath.Join(tmp, "server", "cli", "genqlient.yaml"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genqlient: %v\n%s", err, out)
	}
	want, err := os.ReadFile(filepath.Join(tmp, "server", "cli", "generated.go"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		line := 0
		for line < min(len(gotLines), len(wantLines)) && bytes.Equal(gotLines[line], wantLines[line]) {
			line++
		}
		t.Fatalf("server/cli/generated.go is stale from line %d: run go generate ./server/cli (or go generate ./...)", line+1)
	}
}

func copyFiles(t *testing.T, pattern, dir string) {
	t.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil || len(names) == 0 {
		t.Fatalf("%s: %v (no files)", pattern, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
