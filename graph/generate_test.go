package graph_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed generated code (Ent, gqlgen, graph/ent.graphqls) must be what
// `go generate ./...` makes of the schemas: regenerate in a copy of the module and
// compare, file by file.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regeneration takes a while; not in -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "gqlgen.yml", "ent", "graph", "server"} {
		copyTree(t, filepath.Join(root, p), filepath.Join(tmp, p))
	}
	cmd := exec.Command("go", "generate", "./...")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go generate: %v\n%s", err, out)
	}
	for _, dir := range []string{"ent", "graph"} {
		committed, regenerated := files(t, filepath.Join(root, dir)), files(t, filepath.Join(tmp, dir))
		for name, want := range regenerated {
			got, ok := committed[name]
			switch {
			case !ok:
				t.Errorf("%s/%s is generated but not committed: run go generate ./...", dir, name)
			case !bytes.Equal(got, want):
				t.Errorf("%s/%s is stale: run go generate ./...", dir, name)
			}
		}
		for name := range committed {
			if _, ok := regenerated[name]; !ok {
				t.Errorf("%s/%s is no longer generated: delete it", dir, name)
			}
		}
	}
}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
