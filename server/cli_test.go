package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"apikeys/server/testdb"
)

// secretLine is a whole line of --quiet output: the key and nothing else.
var secretLine = regexp.MustCompile(`(?m)^gak_[0-9A-Za-z]{36}$`)

// The command line built on the API, as an operator scripts it: an admin's key in
// APIKEYS_TOKEN creates a key (KEY=$(apikeys keys create NAME --quiet)), which works at
// once; lists keys as a table and as JSON, page after page; renames, rotates with an
// overlap and revokes; reads the audit trail. A VIEWER key is refused (exit 1), so is
// an unreachable server; a command written wrong is exit 2, and a key is never taken
// from the command line. No secret ever reaches standard error.
func TestCLI(t *testing.T) {
	bin := build(t)
	testdb.Each(t, func(t *testing.T, dbURL string) {
		env := append(os.Environ(), "DATABASE_URL="+dbURL, "APIKEYS_ADDR=127.0.0.1:0")
		if out, err := command(bin, env, "a scripter's password\n",
			"create-org", "--name", "Scripted Ltd", "--admin-email", "ops@example.com", "--admin-name", "Otto Ops").CombinedOutput(); err != nil {
			t.Fatalf("create-org: %v\n%s", err, out)
		}
		srv, addr, serverLog := startServer(t, bin, env)
		base := "http://" + addr
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		post(t, browser, base+"/auth/login", "", `{"email":"ops@example.com","password":"a scripter's password"}`)
		r := post(t, browser, base+"/graphql", "", `{"query":"mutation { createAPIKey(input: {name: \"Deploy bot\", role: ADMIN}) { secret } }"}`)
		admin, _ := dig(r, "data", "createAPIKey", "secret").(string)
		if !strings.HasPrefix(admin, "gak_") {
			t.Fatalf("createAPIKey: %v", r)
		}

		c := &cliRunner{t: t, bin: bin, env: cliEnv(base, admin), secrets: []string{admin}}

		// KEY=$(apikeys keys create NAME --quiet): the secret alone, and it works.
		out := c.ok("keys", "create", "Payroll", "--quiet")
		payroll := strings.TrimSuffix(out, "\n")
		if !secretLine.MatchString(payroll) || out != payroll+"\n" {
			t.Fatalf("--quiet printed %q", out)
		}
		c.secrets = append(c.secrets, payroll)
		if name := viewerName(t, base, payroll); name != "Payroll" {
			t.Fatalf("the new key is %q to the API", name)
		}

		// Without --quiet: the details, the secret once on its own line, the warning.
		const warehouse = "Склад Москва — интеграция с 1С:Предприятие"
		out = c.ok("keys", "create", warehouse, "--role", "admin", "--expires", "30d")
		secrets := secretLine.FindAllString(out, -1)
		if len(secrets) != 1 || !strings.Contains(out, "shown only once") || !strings.Contains(out, warehouse) || !strings.Contains(out, "ADMIN") {
			t.Fatalf("keys create:\n%s", out)
		}
		c.secrets = append(c.secrets, secrets[0])

		// The table: one row a key, the KEY column in line after the Cyrillic name.
		out = c.ok("keys", "list")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], warehouse) {
			t.Fatalf("keys list:\n%s", out)
		}
		column := utf8.RuneCountInString(lines[0][:strings.Index(lines[0], "KEY")])
		for _, line := range lines[1:] {
			if at := utf8.RuneCountInString(line[:strings.Index(line, "gak_…")]); at != column {
				t.Fatalf("the KEY column is at %d in %q, at %d in the header:\n%s", at, line, column, out)
			}
		}

		keys := c.keys("keys", "list", "--json")
		if len(keys) != 3 {
			t.Fatalf("keys list --json: %v", keys)
		}
		for _, field := range []string{"id", "name", "maskedKey", "role", "status", "createdAt", "expiresAt", "lastUsedAt"} {
			for _, k := range keys {
				if _, ok := k[field]; !ok {
					t.Fatalf("a key without %q: %v", field, k)
				}
			}
		}
		wh, pay := keys[0], keys[1] // newest first
		if wh["name"] != warehouse || wh["role"] != "ADMIN" || wh["status"] != "ACTIVE" || !within(t, wh["expiresAt"], 30*24*time.Hour) {
			t.Fatalf("the warehouse key: %v", wh)
		}
		if pay["name"] != "Payroll" || pay["role"] != "VIEWER" || pay["expiresAt"] != nil || !strings.HasPrefix(pay["maskedKey"].(string), "gak_…") {
			t.Fatalf("the payroll key: %v", pay)
		}
		payID := pay["id"].(string)

		// Rename, then rotate with a day of overlap: both keys work until then.
		c.ok("keys", "rename", payID, "Payroll (EU)")
		out = c.ok("keys", "rotate", payID, "--overlap", "24h", "--quiet")
		rotated := strings.TrimSuffix(out, "\n")
		if !secretLine.MatchString(rotated) || out != rotated+"\n" {
			t.Fatalf("rotate --quiet printed %q", out)
		}
		c.secrets = append(c.secrets, rotated)
		if viewerName(t, base, rotated) != "Payroll (EU)" || viewerName(t, base, payroll) != "Payroll (EU)" {
			t.Fatal("during the overlap both keys work, under the new name")
		}
		keys = c.keys("keys", "list", "--json")
		var old map[string]any
		for _, k := range keys {
			if k["id"] == payID {
				old = k
			}
		}
		if len(keys) != 4 || keys[0]["name"] != "Payroll (EU)" || old == nil || old["status"] != "ACTIVE" || !within(t, old["expiresAt"], 24*time.Hour) {
			t.Fatalf("after the rotation: %v", keys)
		}

		// Revoke the old key: refused at once, listed with --revoked.
		c.ok("keys", "revoke", payID)
		if res := graphqlAs(t, base, payroll); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the revoked key: HTTP %d", res.StatusCode)
		}
		revoked := c.keys("keys", "list", "--revoked", "--json")
		if len(revoked) != 1 || revoked[0]["id"] != payID || revoked[0]["status"] != "REVOKED" {
			t.Fatalf("keys list --revoked: %v", revoked)
		}

		// The audit trail, newest first; filtered by action.
		out = c.ok("audit", "list")
		lines = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[1], "API_KEY_REVOKED") || !strings.Contains(lines[1], "Deploy bot") || !strings.Contains(lines[1], "Payroll (EU)") {
			t.Fatalf("audit list:\n%s", out)
		}
		for _, action := range []string{"API_KEY_CREATED", "API_KEY_UPDATED", "API_KEY_ROTATED"} {
			if !strings.Contains(out, action) {
				t.Errorf("audit list has no %s:\n%s", action, out)
			}
		}
		var entries []map[string]any
		c.json(&entries, "audit", "list", "--action", "API_KEY_ROTATED,API_KEY_UPDATED", "--json")
		actions := []string{}
		for _, e := range entries {
			actions = append(actions, e["action"].(string))
		}
		if !slices.Equal(actions, []string{"API_KEY_ROTATED", "API_KEY_UPDATED"}) || entries[0]["targetId"] != payID {
			t.Fatalf("audit list --action: %v", entries)
		}

		// A list longer than a page: every key, each once.
		for i := range 101 {
			r := post(t, http.DefaultClient, base+"/graphql", admin, fmt.Sprintf(`{"query":"mutation { createAPIKey(input: {name: \"Batch %d\"}) { apiKey { id } } }"}`, i))
			if dig(r, "data", "createAPIKey", "apiKey", "id") == nil {
				t.Fatalf("createAPIKey: %v", r)
			}
		}
		keys = c.keys("keys", "list", "--json")
		ids := map[any]bool{}
		for _, k := range keys {
			ids[k["id"]] = true
		}
		if len(keys) != 104 || len(ids) != 104 {
			t.Fatalf("keys list --json over two pages: %d keys, %d distinct", len(keys), len(ids))
		}

		// Refused: a VIEWER key may not create keys; nothing on standard output.
		viewer := &cliRunner{t: t, bin: bin, env: cliEnv(base, rotated), secrets: c.secrets}
		code, out, errOut := viewer.run("keys", "create", "Sneaky", "--quiet")
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "apikeys: FORBIDDEN: ") {
			t.Fatalf("a VIEWER key creating: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		unknown := &cliRunner{t: t, bin: bin, env: cliEnv(base, payroll), secrets: c.secrets}
		if code, _, errOut := unknown.run("keys", "list"); code != 1 || !strings.HasPrefix(errOut, "apikeys: UNAUTHENTICATED: ") {
			t.Fatalf("a revoked key: exit %d, %q", code, errOut)
		}
		nowhere := &cliRunner{t: t, bin: bin, env: cliEnv("http://127.0.0.1:1", admin), secrets: c.secrets}
		if code, _, errOut := nowhere.run("keys", "list"); code != 1 || !strings.Contains(errOut, "cannot reach the server at http://127.0.0.1:1/graphql") {
			t.Fatalf("an unreachable server: exit %d, %q", code, errOut)
		}

		// Written wrong: exit 2 with the usage, and nothing done.
		for _, args := range [][]string{
			{"keys", "create"},
			{"keys", "rotate", payID, "--overlap", "a day"},
			{"keys", "list", "--token", admin},
			{"keys", "create", "Sneaky", "--token=" + admin},
			{"audit", "list", "--action", "NOT_AN_ACTION"},
		} {
			code, out, errOut := c.run(args...)
			if code != 2 || out != "" || !strings.Contains(errOut, "usage: apikeys ") {
				t.Fatalf("%q: exit %d, stdout %q, stderr %q", args[:2], code, out, errOut)
			}
			if slices.Contains(args, admin) && !strings.Contains(errOut, "APIKEYS_TOKEN") {
				t.Fatalf("--token is refused without saying to use APIKEYS_TOKEN: %q", errOut)
			}
		}
		if code, _, errOut := (&cliRunner{t: t, bin: bin, env: cliEnv(base, "")}).run("keys", "list"); code != 2 || !strings.Contains(errOut, "APIKEYS_TOKEN is not set") {
			t.Fatalf("no key: exit %d, %q", code, errOut)
		}
		if len(c.keys("keys", "list", "--json")) != 104 {
			t.Fatal("a refused command changed the keys")
		}

		// `audit verify` is still the operator's, on the database.
		expectExit(t, 0, "verified", command(bin, env, "", "audit", "verify"))

		srv.Process.Kill() //nolint:errcheck
		srv.Wait()         //nolint:errcheck
		for _, s := range c.secrets {
			if strings.Contains(serverLog.String(), s) {
				t.Fatal("a secret appears in the server's log")
			}
		}
	})
}

// cliRunner runs the binary's command line against a server, as a script would.
type cliRunner struct {
	t       *testing.T
	bin     string
	env     []string
	secrets []string // that must never reach standard error
}

// cliEnv is the environment of a command line run: the server and the key, and no
// APIKEYS_* of the machine running the tests.
func cliEnv(url, token string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "APIKEYS_") {
			env = append(env, kv)
		}
	}
	return append(env, "APIKEYS_URL="+url, "APIKEYS_TOKEN="+token)
}

func (c *cliRunner) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	for _, s := range c.secrets {
		if strings.Contains(errOut.String(), s) {
			c.t.Fatalf("%q printed a secret on standard error", args[:2])
		}
	}
	return code, out.String(), errOut.String()
}

// ok runs a command that must succeed, with nothing on standard error.
func (c *cliRunner) ok(args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run(args...)
	if code != 0 || errOut != "" {
		c.t.Fatalf("%q: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

func (c *cliRunner) json(v any, args ...string) {
	c.t.Helper()
	out := c.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("%q: %v\n%s", args, err, out)
	}
}

func (c *cliRunner) keys(args ...string) []map[string]any {
	c.t.Helper()
	var keys []map[string]any
	c.json(&keys, args...)
	return keys
}

// within reports whether an RFC 3339 time is d from now, give or take a minute.
func within(t *testing.T, v any, d time.Duration) bool {
	t.Helper()
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339, s)
	return err == nil && time.Until(at) > d-time.Minute && time.Until(at) <= d
}

// viewerName is the name the API knows a key by.
func viewerName(t *testing.T, base, key string) string {
	t.Helper()
	name, _ := dig(post(t, http.DefaultClient, base+"/graphql", key, `{"query":"{ viewer { name } }"}`), "data", "viewer", "name").(string)
	return name
}

func graphqlAs(t *testing.T, base, key string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ viewer { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
