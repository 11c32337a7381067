package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"apikeys/server/app"
	"apikeys/server/testdb"
)

// `apikeys audit verify`, as an operator and an auditor run it: the database's trails
// verify (exit 0); an NDJSON export verifies offline; an export with one entry edited
// and a database with one entry edited behind the triggers' back both fail with exit
// code 1, naming the entry.
func TestAuditVerifyCommand(t *testing.T) {
	bin := build(t)
	testdb.Each(t, func(t *testing.T, dbURL string) {
		env := append(os.Environ(), "DATABASE_URL="+dbURL, "APIKEYS_ADDR=127.0.0.1:0")
		if out, err := command(bin, env, "an auditor's password\n",
			"create-org", "--name", "Audited, Inc.", "--admin-email", "audit@example.com", "--admin-name", "Ada Auditor").CombinedOutput(); err != nil {
			t.Fatalf("create-org: %v\n%s", err, out)
		}
		srv, addr, _ := startServer(t, bin, env)
		defer srv.Process.Kill() //nolint:errcheck
		base := "http://" + addr
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		post(t, browser, base+"/auth/login", "", `{"email":"audit@example.com","password":"an auditor's password"}`)
		for _, name := range []string{"Payroll, \"EU\"", "=HYPERLINK(\"https://evil.example\")", "Склад"} {
			r := post(t, browser, base+"/graphql", "", `{"query":"mutation($n: String!) { createAPIKey(input: {name: $n}) { secret } }","variables":{"n":`+jsonString(name)+`}}`)
			if dig(r, "data", "createAPIKey", "secret") == nil {
				t.Fatalf("createAPIKey: %v", r)
			}
		}
		res, err := browser.Get(base + "/audit/export?format=ndjson")
		if err != nil {
			t.Fatal(err)
		}
		export, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export: HTTP %d %s", res.StatusCode, export)
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "export.ndjson")
		if err := os.WriteFile(file, export, 0o600); err != nil {
			t.Fatal(err)
		}

		// 3 (company, admin, sign-in) + 3 keys + the export itself.
		expectExit(t, 0, "verified 7 entries", command(bin, env, "", "audit", "verify"))
		expectExit(t, 0, "verified 7 entries of org_", command(bin, env, "", "audit", "verify", "--file", file))
		expectExit(t, 0, "verified 7 entries", command(bin, env, string(export), "audit", "verify", "--file", "-"))

		edited := bytes.Replace(export, []byte(`"actorName":"Ada Auditor"`), []byte(`"actorName":"Mallory"`), 1)
		if bytes.Equal(edited, export) {
			t.Fatal("nothing to edit in the export")
		}
		if err := os.WriteFile(file, edited, 0o600); err != nil {
			t.Fatal(err)
		}
		expectExit(t, 1, "BROKEN at entry 3 (ALTERED)", command(bin, env, "", "audit", "verify", "--file", file))

		lines := bytes.SplitAfter(export, []byte("\n"))
		dropped := append(append([]byte{}, bytes.Join(lines[:3], nil)...), bytes.Join(lines[4:], nil)...)
		if err := os.WriteFile(file, dropped, 0o600); err != nil {
			t.Fatal(err)
		}
		// A line cut from a full export looks like a filter: said, not failed.
		expectExit(t, 0, "skips entries in 1 places", command(bin, env, "", "audit", "verify", "--file", file))

		db, err := app.OpenDatabase(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		stmts := []string{"ALTER TABLE audit_entries DISABLE TRIGGER USER", "UPDATE audit_entries SET target_name = 'Payroll' WHERE sequence = 4", "ALTER TABLE audit_entries ENABLE TRIGGER USER"}
		if db.Dialect != "postgres" {
			stmts = []string{"DROP TRIGGER audit_entries_no_update", "UPDATE audit_entries SET target_name = 'Payroll' WHERE sequence = 4"}
		}
		for _, s := range stmts {
			if _, err := db.DB.ExecContext(context.Background(), s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		expectExit(t, 1, "BROKEN at entry 4 (ALTERED)", command(bin, env, "", "audit", "verify"))
		expectExit(t, 2, "use: apikeys audit verify", command(bin, env, "", "audit", "check"))
	})
}

func expectExit(t *testing.T, code int, want string, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	got := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		got = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if got != code || !strings.Contains(string(out), want) {
		t.Fatalf("%v: exit %d, want %d with %q:\n%s", cmd.Args[1:], got, code, want, out)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
