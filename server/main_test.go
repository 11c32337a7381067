package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"apikeys/server/testdb"
)

// The real binary, as an operator runs it: this catches what in-process tests cannot
// (a forgotten ent/runtime import, flag and environment handling, signals).
func TestTheBinary(t *testing.T) {
	bin := build(t)
	testdb.Each(t, func(t *testing.T, dbURL string) {
		env := append(os.Environ(), "DATABASE_URL="+dbURL, "APIKEYS_ADDR=127.0.0.1:0")

		// Instances starting together migrate one after the other.
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := command(bin, env, "", "migrate").CombinedOutput()
				if err != nil || !strings.Contains(string(out), "up to date") {
					t.Errorf("migrate: %v\n%s", err, out)
				}
			}()
		}
		wg.Wait()
		out, err := command(bin, env, "an operator's password\n",
			"create-org", "--name", "Operator Co", "--admin-email", "op@example.com", "--admin-name", "Opal Operator").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `created organization "Operator Co"`) {
			t.Fatalf("create-org: %v\n%s", err, out)
		}
		out, _ = command(bin, env, "short\n", "create-org", "--name", "X", "--admin-email", "x@example.com", "--admin-name", "X").CombinedOutput()
		if !strings.Contains(string(out), "password must be at least 12 characters") {
			t.Fatalf("create-org with a short password: %s", out)
		}

		srv, addr, stderr := startServer(t, bin, env)
		base := "http://" + addr

		for _, path := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(base + path)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %v %v", path, res, err)
			}
			res.Body.Close()
		}

		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		if r := post(t, browser, base+"/auth/login", "", `{"email":"op@example.com","password":"an operator's password"}`); r["user"] == nil {
			t.Fatalf("login: %v", r)
		}
		r := post(t, browser, base+"/graphql", "", `{"query":"mutation { createAPIKey(input: {name: \"Binary Test\"}) { secret } }"}`)
		secret, _ := dig(r, "data", "createAPIKey", "secret").(string)
		if !strings.HasPrefix(secret, "gak_") {
			t.Fatalf("createAPIKey: %v", r)
		}
		r = post(t, http.DefaultClient, base+"/graphql", secret, `{"query":"{ viewer { name organization { name } } }"}`)
		if dig(r, "data", "viewer", "organization", "name") != "Operator Co" {
			t.Fatalf("viewer with the key: %v", r)
		}

		// A 1 MB Authorization header is refused by the server before any handler.
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ viewer { name } }"}`))
		req.Header.Set("Authorization", "Bearer "+strings.Repeat("A", 1<<20))
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Fatalf("a 1 MB header: HTTP %d", res.StatusCode)
			}
		}

		// SIGTERM: a graceful stop with exit status 0.
		if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- srv.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the server did not stop within 10 s of SIGTERM")
		}
		if strings.Contains(stderr.String(), secret) {
			t.Fatal("the secret appears in the server's log")
		}
	})
}

var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// build builds the binary once for the tests of this package.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "apikeys-bin-")
		if err != nil {
			buildErr = err
			return
		}
		built = filepath.Join(dir, "apikeys")
		if out, err := exec.Command("go", "build", "-o", built, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}

func command(bin string, env []string, stdin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

func post(t *testing.T, c *http.Client, url, key, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
