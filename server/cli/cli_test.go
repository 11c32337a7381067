package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run the commands against a stand-in for the server that records what
// it is asked; server/cli_test.go runs the real binary against the real server.

const testToken = "gak_TestTokenTestTokenTestTokenTestToken"

// request is a GraphQL request as the stand-in received it.
type request struct {
	Op        string         `json:"operationName"`
	Variables map[string]any `json:"variables"`
	auth      string
}

// fakeServer answers each operation with answer(request) and keeps the requests.
type fakeServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newFakeServer(t *testing.T, answer func(r request) (status int, body string)) *fakeServer {
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var r request
		if req.URL.Path != "/graphql" || json.NewDecoder(req.Body).Decode(&r) != nil {
			http.Error(w, "not a GraphQL request", http.StatusBadRequest)
			return
		}
		r.auth = req.Header.Get("Authorization")
		f.mu.Lock()
		f.requests = append(f.requests, r)
		f.mu.Unlock()
		status, body := answer(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(f.Close)
	return f
}

// run runs the command line with APIKEYS_URL at url and the test's key.
func run(t *testing.T, url string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"APIKEYS_URL": url, "APIKEYS_TOKEN": testToken}
	return runEnv(t, env, args...)
}

func runEnv(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	if strings.Contains(errOut.String(), testToken) || strings.Contains(out.String(), testToken) {
		t.Fatalf("%v printed the key:\n%s%s", args, out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

func keyJSON(i int) string {
	return fmt.Sprintf(`{"id":"key_%03d","name":"Key %d","maskedKey":"gak_…%04d","status":"ACTIVE","createdAt":"2026-01-02T03:04:05Z","expiresAt":null,"lastUsedAt":null,"revokedAt":null,"serviceAccount":{"role":"VIEWER"}}`, i, i, i)
}

// A list of 250 keys comes in pages of 100: the first request sends no cursor at all
// (not ""), the next ones the end cursor of the page before; all 250 are printed.
func TestKeysListPagesThroughEveryKey(t *testing.T) {
	const total = 250
	srv := newFakeServer(t, func(r request) (int, string) {
		start := 0
		if after, ok := r.Variables["after"].(string); ok {
			fmt.Sscanf(after, "c%d", &start)
		}
		first := int(r.Variables["first"].(float64))
		end := min(start+first, total)
		edges := make([]string, 0, first)
		for i := start; i < end; i++ {
			edges = append(edges, `{"node":`+keyJSON(i)+`}`)
		}
		return 200, fmt.Sprintf(`{"data":{"apiKeys":{"pageInfo":{"hasNextPage":%t,"endCursor":"c%d"},"edges":[%s]}}}`, end < total, end, strings.Join(edges, ","))
	})
	code, out, errOut := run(t, srv.URL, "keys", "list", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var keys []map[string]any
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != total {
		t.Fatalf("%d keys (%v), want %d", len(keys), err, total)
	}
	for _, field := range []string{"id", "name", "maskedKey", "role", "status", "createdAt", "expiresAt", "lastUsedAt"} {
		if _, ok := keys[total-1][field]; !ok {
			t.Errorf("a key has no %q: %v", field, keys[total-1])
		}
	}
	if len(srv.requests) != 3 {
		t.Fatalf("%d requests, want 3", len(srv.requests))
	}
	if _, sent := srv.requests[0].Variables["after"]; sent {
		t.Errorf("the first page was asked with a cursor: %v", srv.requests[0].Variables)
	}
	for i, r := range srv.requests {
		if r.Op != "ListAPIKeys" || r.Variables["status"] != "ACTIVE" || r.Variables["first"] != float64(pageSize) || r.auth != "Bearer "+testToken {
			t.Errorf("request %d: %+v", i, r)
		}
	}
	if srv.requests[2].Variables["after"] != "c200" {
		t.Errorf("the third page was asked after %v", srv.requests[2].Variables["after"])
	}

	code, out, _ = run(t, srv.URL, "keys", "list")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != total+1 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("the table: exit %d, %d lines", code, len(lines))
	}
}

// A server that says there is another page but gives the same cursor again would make
// the command loop forever: it stops with exit code 1.
func TestKeysListStopsOnAStuckCursor(t *testing.T) {
	srv := newFakeServer(t, func(request) (int, string) {
		return 200, `{"data":{"apiKeys":{"pageInfo":{"hasNextPage":true,"endCursor":"same"},"edges":[{"node":` + keyJSON(1) + `}]}}}`
	})
	code, _, errOut := run(t, srv.URL, "keys", "list")
	if code != 1 || !strings.Contains(errOut, "no cursor") || len(srv.requests) != 2 {
		t.Fatalf("exit %d after %d requests: %s", code, len(srv.requests), errOut)
	}
}

// Errors reach standard error as "apikeys: CODE: message", whatever the HTTP status;
// an answer that is not the server's GraphQL says so; all of them are exit code 1.
func TestErrorsNameTheirCode(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"forbidden", 200, `{"errors":[{"message":"only admins may create API keys","extensions":{"code":"FORBIDDEN"}}],"data":null}`, "apikeys: FORBIDDEN: only admins may create API keys\n"},
		{"bad input", 200, `{"errors":[{"message":"name is too long","extensions":{"code":"BAD_USER_INPUT","field":"name"}}],"data":null}`, "apikeys: BAD_USER_INPUT: name is too long (name)\n"},
		{"unauthenticated", 401, `{"errors":[{"message":"invalid API key","extensions":{"code":"UNAUTHENTICATED"}}]}`, "apikeys: UNAUTHENTICATED: invalid API key; is APIKEYS_TOKEN an active key of this server?\n"},
		{"too many", 429, `{"errors":[{"message":"too many requests","extensions":{"code":"RATE_LIMITED"}}]}`, "apikeys: RATE_LIMITED: too many requests\n"},
		{"a proxy's page", 502, "<html><body>Bad gateway</body></html>", "apikeys: HTTP 502 Bad Gateway: <html><body>Bad gateway</body></html> (is APIKEYS_URL the apikeys server?)\n"},
		{"not JSON", 200, "<!doctype html><title>admin app</title>", "apikeys: the answer is not GraphQL's JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeServer(t, func(request) (int, string) { return c.status, c.body })
			code, out, errOut := run(t, srv.URL, "keys", "create", "Payroll", "--quiet")
			if code != 1 || out != "" || !strings.HasPrefix(errOut, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errOut, c.want)
			}
		})
	}
}

func TestUnreachableServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	code, _, errOut := run(t, url, "keys", "list")
	if code != 1 || !strings.HasPrefix(errOut, "apikeys: cannot reach the server at "+url+"/graphql") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// create and rotate send only what was given: no expiry unless --expires, no overlap
// unless --overlap; with --quiet they print the secret alone.
func TestCreateAndRotateSendWhatWasGiven(t *testing.T) {
	created := `{"data":{"createAPIKey":{"secret":"gak_NewSecret","apiKey":` + keyJSON(7) + `}}}`
	rotated := `{"data":{"rotateAPIKey":{"secret":"gak_RotatedSecret","apiKey":` + keyJSON(8) + `,"previousKey":` + keyJSON(7) + `}}}`
	srv := newFakeServer(t, func(r request) (int, string) {
		if r.Op == "CreateAPIKey" {
			return 200, created
		}
		return 200, rotated
	})
	before := time.Now()
	for _, c := range []struct {
		args []string
		out  string
		vars func(v map[string]any) bool
	}{
		{[]string{"keys", "create", "Payroll", "--quiet"}, "gak_NewSecret\n", func(v map[string]any) bool {
			_, expiry := v["expiresAt"]
			return v["name"] == "Payroll" && v["role"] == "VIEWER" && !expiry
		}},
		{[]string{"keys", "create", "--role", "admin", "Payroll", "--expires", "30d", "--quiet"}, "gak_NewSecret\n", func(v map[string]any) bool {
			at, err := time.Parse(time.RFC3339, fmt.Sprint(v["expiresAt"]))
			return err == nil && v["role"] == "ADMIN" && at.Sub(before) >= 30*24*time.Hour-time.Second && at.Sub(before) < 30*24*time.Hour+time.Minute
		}},
		{[]string{"keys", "rotate", "key_007", "--quiet"}, "gak_RotatedSecret\n", func(v map[string]any) bool {
			_, overlap := v["previousKeyExpiresAt"]
			return v["id"] == "key_007" && !overlap
		}},
		{[]string{"keys", "rotate", "key_007", "--overlap", "24h", "--quiet"}, "gak_RotatedSecret\n", func(v map[string]any) bool {
			at, err := time.Parse(time.RFC3339, fmt.Sprint(v["previousKeyExpiresAt"]))
			return err == nil && at.Sub(before) >= 24*time.Hour-time.Second && at.Sub(before) < 24*time.Hour+time.Minute
		}},
	} {
		srv.requests = nil
		code, out, errOut := run(t, srv.URL, c.args...)
		if code != 0 || out != c.out || errOut != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", c.args, code, out, errOut)
		}
		if len(srv.requests) != 1 || !c.vars(srv.requests[0].Variables) {
			t.Fatalf("%v sent %+v", c.args, srv.requests)
		}
	}

	// Without --quiet: the details, the secret alone on a line, and the warning.
	code, out, _ := run(t, srv.URL, "keys", "create", "Payroll")
	if code != 0 || !strings.Contains(out, "\ngak_NewSecret\n") || !strings.Contains(out, "shown only once") || !strings.Contains(out, "key_007") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, srv.URL, "keys", "rotate", "key_007", "--json")
	var r struct {
		Secret      string
		APIKey      map[string]any
		PreviousKey map[string]any
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Secret != "gak_RotatedSecret" || r.APIKey["id"] != "key_008" || r.PreviousKey["id"] != "key_007" {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
}

// `audit list` asks for its limit in pages of at most 100, with the actions given,
// and sends no filter without --action.
func TestAuditListPagesToItsLimit(t *testing.T) {
	pages := 0
	srv := newFakeServer(t, func(r request) (int, string) {
		pages++
		first := int(r.Variables["first"].(float64))
		edges := make([]string, first)
		for i := range edges {
			edges[i] = `{"node":{"id":"aud_1","createdAt":"2026-01-02T03:04:05Z","action":"API_KEY_CREATED","actorKind":"USER","actorName":"Ada Admin","actorDeleted":true,"targetKind":"API_KEY","targetID":"key_1","targetName":"Payroll","targetMaskedKey":"gak_…abcd","metadata":{}}}`
		}
		return 200, `{"data":{"auditEntries":{"pageInfo":{"hasNextPage":true,"endCursor":"c` + fmt.Sprint(pages) + `"},"edges":[` + strings.Join(edges, ",") + `]}}}`
	})
	code, out, errOut := run(t, srv.URL, "audit", "list", "--limit", "150", "--action", "api_key_created, API_KEY_REVOKED")
	if code != 0 || len(strings.Split(strings.TrimSpace(out), "\n")) != 151 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "Ada Admin (deleted user)") || !strings.Contains(out, "Payroll gak_…abcd") {
		t.Errorf("a row:\n%s", strings.SplitN(out, "\n", 3)[1])
	}
	if len(srv.requests) != 2 || srv.requests[0].Variables["first"] != float64(100) || srv.requests[1].Variables["first"] != float64(50) {
		t.Fatalf("requests: %+v", srv.requests)
	}
	if got := fmt.Sprint(srv.requests[0].Variables["actions"]); got != "[API_KEY_CREATED API_KEY_REVOKED]" {
		t.Errorf("actions sent: %s", got)
	}

	srv.requests = nil
	code, out, _ = run(t, srv.URL, "audit", "list", "--json")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); code != 0 || err != nil || len(entries) != defaultAuditLimit {
		t.Fatalf("exit %d, %d entries: %v", code, len(entries), err)
	}
	if _, filtered := srv.requests[0].Variables["actions"]; filtered {
		t.Errorf("a filter was sent without --action: %v", srv.requests[0].Variables)
	}
}

// Usage errors are exit code 2 with the usage line, and nothing is asked of the server.
func TestUsageErrors(t *testing.T) {
	srv := newFakeServer(t, func(request) (int, string) { return 500, "" })
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"keys"}, "a command is needed"},
		{[]string{"keys", "delete", "key_1"}, `unknown command "keys delete"`},
		{[]string{"keys", "create"}, "NAME is needed"},
		{[]string{"keys", "rename", "key_1"}, "NAME is needed"},
		{[]string{"keys", "revoke", "key_1", "key_2"}, `unexpected argument "key_2"`},
		{[]string{"keys", "list", "--all"}, "flag provided but not defined: -all"},
		{[]string{"keys", "create", "X", "--role", "OWNER"}, `--role "OWNER": use ADMIN or VIEWER`},
		{[]string{"keys", "create", "X", "--expires", "soon"}, `--expires "soon"`},
		{[]string{"keys", "create", "X", "--expires", "-3d"}, "would never work"},
		{[]string{"keys", "create", "X", "--quiet", "--json"}, "exclude each other"},
		{[]string{"keys", "rotate", "key_1", "--overlap", "a while"}, `--overlap "a while"`},
		{[]string{"audit", "list", "--limit", "0"}, "--limit 0"},
		{[]string{"audit", "list", "--action", "API_KEY_EATEN"}, `--action "API_KEY_EATEN" is not an action`},
		{[]string{"keys", "list", "--token", testToken}, "--token is not accepted"},
		{[]string{"keys", "create", "X", "--token=" + testToken}, "set APIKEYS_TOKEN instead"},
		{[]string{"keys", "create", "-token", testToken, "X"}, "--token is not accepted"},
	} {
		code, out, errOut := run(t, srv.URL, c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "apikeys: ") || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "\nusage: apikeys ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
	if len(srv.requests) != 0 {
		t.Fatalf("usage errors asked the server: %+v", srv.requests)
	}

	// A name that starts with a dash comes after "--".
	created := `{"data":{"createAPIKey":{"secret":"gak_NewSecret","apiKey":` + keyJSON(7) + `}}}`
	named := newFakeServer(t, func(request) (int, string) { return 200, created })
	if code, _, errOut := run(t, named.URL, "keys", "create", "--quiet", "--", "-dash-"); code != 0 || named.requests[0].Variables["name"] != "-dash-" {
		t.Fatalf("exit %d: %s %+v", code, errOut, named.requests)
	}

	code, out, _ := run(t, srv.URL, "keys", "create", "--help")
	if code != 0 || !strings.HasPrefix(out, "usage: apikeys keys create NAME") || !strings.Contains(out, "-expires") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, srv.URL, "keys", "--help")
	if code != 0 || !strings.Contains(out, "apikeys keys rotate ID") || !strings.Contains(out, "apikeys audit list") {
		t.Fatalf("keys --help: exit %d\n%s", code, out)
	}
}

// Without a key, or with a URL that is not one, nothing is sent: exit code 2.
func TestSetupErrors(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "APIKEYS_TOKEN is not set"},
		{map[string]string{"APIKEYS_TOKEN": testToken, "APIKEYS_URL": "127.0.0.1:8080"}, `APIKEYS_URL "127.0.0.1:8080" is not an http:// or https:// URL`},
	} {
		code, _, errOut := runEnv(t, c.env, "keys", "list")
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q", c.env, code, errOut)
		}
	}
}

func TestGraphQLEndpoint(t *testing.T) {
	for base, want := range map[string]string{
		"":                                    "http://127.0.0.1:8080/graphql",
		"https://keys.example.com":            "https://keys.example.com/graphql",
		"https://keys.example.com/":           "https://keys.example.com/graphql",
		"https://example.com/apikeys/":        "https://example.com/apikeys/graphql",
		"https://keys.example.com/graphql":    "https://keys.example.com/graphql",
		" http://127.0.0.1:9000/api/graphql ": "http://127.0.0.1:9000/api/graphql",
	} {
		if u, err := graphqlEndpoint(base); err != nil || u.String() != want {
			t.Errorf("%q: %v %v, want %s", base, u, err, want)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	for in, want := range map[string]time.Time{
		"30d":                  now.Add(30 * 24 * time.Hour),
		"12h":                  now.Add(12 * time.Hour),
		"2027-01-31":           time.Date(2027, 1, 31, 15, 4, 5, 0, now.Location()),
		"2027-01-31T12:00:00Z": time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC),
	} {
		if got, err := parseExpiry(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1h", "30 days", "2027-02-30", "tomorrow", "1.5d"} {
		if got, err := parseExpiry(in, now); err == nil {
			t.Errorf("%q: %v, want an error", in, got)
		}
	}
}
