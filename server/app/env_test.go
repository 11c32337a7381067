package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/people"
	"apikeys/ent/schema/pulid"
	"apikeys/server/app"
	"apikeys/server/testdb"
)

// The tests run against the real HTTP handler on real databases: every test on
// SQLite and on PostgreSQL (see server/testdb).
func databases(t *testing.T, f func(t *testing.T, url string)) { testdb.Each(t, f) }

// server is the real handler on a test HTTP server.
type server struct {
	t   testing.TB
	app *app.App
	srv *httptest.Server
	log *bytes.Buffer
}

type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

// each runs f on a fresh server per database.
func each(t *testing.T, f func(t *testing.T, s *server)) {
	databases(t, func(t *testing.T, url string) {
		f(t, newServer(t, app.Config{DatabaseURL: url}))
	})
}

func newServer(t testing.TB, cfg app.Config) *server {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("APIKEYS_TEST_LOGS") != "" {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &server{t: t, app: a, srv: srv, log: &logs.Buffer}
}

// client calls the server as a browser (cookie jar) or an integration (key).
type client struct {
	t    testing.TB
	s    *server
	http *http.Client
	key  string
}

func (s *server) browser() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, s: s, http: &http.Client{Jar: jar}}
}

func (s *server) integration(key string) *client {
	return &client{t: s.t, s: s, http: &http.Client{}, key: key}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Status int
	Header http.Header
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	Body   string
}

func (r *response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// decode unmarshals the data into v and fails on any error.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("unexpected errors (HTTP %d): %s", r.Status, r.Body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Data, err)
	}
}

func (c *client) post(path string, body any) *response {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.s.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return c.do(req)
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &response{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
	if len(raw) > 0 && raw[0] == '{' && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, r); err != nil {
			c.t.Fatalf("decoding %q: %v", raw, err)
		}
	}
	return r
}

// gql runs a GraphQL operation.
func (c *client) gql(query string, vars map[string]any) *response {
	c.t.Helper()
	return c.post("/graphql", map[string]any{"query": query, "variables": vars})
}

// must runs an operation that must succeed and decodes its data into v.
func (c *client) must(v any, query string, vars map[string]any) {
	c.t.Helper()
	c.gql(query, vars).decode(c.t, v)
}

func (c *client) login(email, password string) *response {
	c.t.Helper()
	return c.post("/auth/login", map[string]any{"email": email, "password": password})
}

const adminPassword = "correct horse battery staple"

// tenant is an organization with a signed-in admin.
type tenant struct {
	org   *ent.Organization
	email string
	admin *client
}

// newTenant creates an organization the way the create-org command does and signs
// its admin in.
func (s *server) newTenant(name string) *tenant {
	s.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", "")) + "-admin@example.com"
	var org *ent.Organization
	err := audit.InTx(context.Background(), s.app.DB.Client, func(c *ent.Client) error {
		var err error
		org, _, err = people.CreateOrganization(context.Background(), c, people.NewOrganization{
			Name: name, AdminName: name + " Admin", AdminEmail: email, AdminPassword: adminPassword,
		}, false)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	admin := s.browser()
	if r := admin.login(email, adminPassword); r.Status != http.StatusOK {
		s.t.Fatalf("login: HTTP %d %s", r.Status, r.Body)
	}
	return &tenant{org: org, email: email, admin: admin}
}

type createdKey struct {
	ID     string
	Secret string
	Name   string
}

const createKeyMutation = `mutation($name: String!, $role: ServiceAccountRole!) {
  createAPIKey(input: {name: $name, role: $role}) {
    secret
    apiKey { id name maskedKey status createdByName createdAt lastUsedAt serviceAccount { id name role } }
  }
}`

// createKey creates a key through the API and returns it.
func (c *client) createKey(name, role string) createdKey {
	c.t.Helper()
	var out struct {
		CreateAPIKey struct {
			Secret string
			APIKey struct{ ID, Name string }
		}
	}
	c.must(&out, createKeyMutation, map[string]any{"name": name, "role": role})
	return createdKey{ID: out.CreateAPIKey.APIKey.ID, Secret: out.CreateAPIKey.Secret, Name: out.CreateAPIKey.APIKey.Name}
}

type counts struct{ Active, Revoked int }

func (c *client) counts() counts {
	c.t.Helper()
	var out struct{ APIKeyCounts counts }
	c.must(&out, `{ apiKeyCounts { active revoked } }`, nil)
	return out.APIKeyCounts
}

type auditEntry struct {
	Action, ActorName, ActorKind, TargetName, TargetKind, TargetID, CreatedAt string
}

func (c *client) audit(where map[string]any) []auditEntry {
	c.t.Helper()
	var out struct {
		AuditEntries struct {
			Edges []struct{ Node auditEntry }
		}
	}
	c.must(&out, `query($where: AuditEntryWhereInput) {
  auditEntries(first: 100, where: $where) { edges { node { action actorName actorKind targetName targetKind targetID createdAt } } }
}`, map[string]any{"where": where})
	entries := make([]auditEntry, len(out.AuditEntries.Edges))
	for i, e := range out.AuditEntries.Edges {
		entries[i] = e.Node
	}
	return entries
}

var keyEvents = map[string]any{"actionIn": []string{"API_KEY_CREATED", "API_KEY_REVOKED"}}

func expectCode(t *testing.T, r *response, status int, code string) {
	t.Helper()
	if r.Status != status || r.code() != code {
		t.Fatalf("got HTTP %d code %q, want HTTP %d code %q: %s", r.Status, r.code(), status, code, r.Body)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func pulidOf(s string) pulid.ID { return pulid.ID(s) }

// newTenantClient is c, signed in, talking to server s (another instance).
func (s *server) newTenantClient(c *client) *client {
	return &client{t: s.t, s: s, http: c.http, key: c.key}
}
