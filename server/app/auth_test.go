package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"apikeys/ent/keys"
	"apikeys/server/app"
)

func TestRolesDecideWhoMayChangeKeys(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		acme.admin.must(nil, `mutation { createUser(input: {name: "Mia Member", email: "mia@example.com", password: "member password 1"}) { user { id role } } }`, nil)
		member := s.browser()
		if r := member.login("MIA@example.com", "member password 1"); r.Status != http.StatusOK {
			t.Fatalf("member login: %s", r.Body)
		}
		existing := acme.admin.createKey("Existing", "VIEWER")
		viewerKey := s.integration(acme.admin.createKey("Read Only", "VIEWER").Secret)

		for name, c := range map[string]*client{"member": member, "viewer key": viewerKey} {
			t.Logf("as %s", name)
			if got := c.counts(); got != (counts{2, 0}) {
				t.Errorf("%s counts = %+v", name, got)
			}
			expectCode(t, c.gql(createKeyMutation, map[string]any{"name": "Sneaky", "role": "ADMIN"}), http.StatusOK, "FORBIDDEN")
			expectCode(t, c.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": existing.ID}), http.StatusOK, "FORBIDDEN")
			expectCode(t, c.gql(`mutation { createUser(input: {name: "X", email: "x@example.com", password: "long enough password"}) { user { id } } }`, nil), http.StatusOK, "FORBIDDEN")
			expectCode(t, c.gql(`{ users { totalCount } }`, nil), http.StatusOK, "FORBIDDEN")
		}
		// An ADMIN service account manages keys but not people.
		robot := s.integration(acme.admin.createKey("Robot", "ADMIN").Secret)
		expectCode(t, robot.gql(`mutation { createUser(input: {name: "X", email: "x@example.com", password: "long enough password"}) { user { id } } }`, nil), http.StatusOK, "FORBIDDEN")

		if got := acme.admin.counts(); got != (counts{3, 0}) {
			t.Fatalf("counts after refused mutations = %+v", got)
		}
		if n := len(acme.admin.audit(keyEvents)); n != 3 {
			t.Fatalf("%d key events, want the 3 creations only", n)
		}
	})
}

func TestBadKeysAreRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		good := acme.admin.createKey("Good", "VIEWER").Secret
		revoked := acme.admin.createKey("Revoked", "VIEWER")
		acme.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": revoked.ID})
		unknown, _ := keys.Generate()
		badSum := []byte(good)
		badSum[39] ^= 1

		headers := map[string][]string{
			"malformed":        {"Bearer gak_nonsense"},
			"wrong prefix":     {"Bearer ghp_" + good[4:]},
			"bad checksum":     {"Bearer " + string(badSum)},
			"too long":         {"Bearer " + good + "x"},
			"unknown":          {"Bearer " + unknown},
			"revoked":          {"Bearer " + revoked.Secret},
			"tab after scheme": {"Bearer\t" + good},
			"two tokens":       {"Bearer " + good + " " + good},
			"no scheme":        {good},
			"two headers":      {"Bearer " + good, "Bearer " + good},
			"empty":            {""},
			"basic":            {"Basic dXNlcjpwYXNz"},
			"non-ASCII":        {"Bearer gak_é" + good[6:]},
		}
		var messages []string
		for name, values := range headers {
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { name } }"}`))
			req.Header.Set("Content-Type", "application/json")
			for _, v := range values {
				req.Header.Add("Authorization", v)
			}
			r := s.browser().do(req)
			if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
				t.Errorf("%s: HTTP %d %s, want 401 UNAUTHENTICATED", name, r.Status, r.Body)
				continue
			}
			messages = append(messages, r.Errors[0].Message)
		}
		for _, m := range messages {
			if m != messages[0] {
				t.Errorf("messages differ (%q vs %q): an outsider could tell bad keys apart", m, messages[0])
			}
		}
		// The scheme in any case and one or more spaces are a key like any other
		// (RFC 7235 §2.1, RFC 6750 §2.1): common clients send "bearer".
		for _, h := range []string{"bearer " + good, "BEARER " + good, "Bearer  " + good, "bEaReR   " + good} {
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { name } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", h)
			if r := s.browser().do(req); r.Status != http.StatusOK || len(r.Errors) > 0 {
				t.Errorf("%q: HTTP %d %s, want 200", h[:len(h)-len(good)], r.Status, r.Body)
			}
		}
		// No credentials at all, and a key in the query string, are refused too.
		expectCode(t, s.browser().gql(`{ viewer { name } }`, nil), http.StatusUnauthorized, "UNAUTHENTICATED")
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/graphql?query=%7Bviewer%7Bname%7D%7D&api_key="+good, nil)
		expectCode(t, s.browser().do(req), http.StatusUnauthorized, "UNAUTHENTICATED")

		// The good key still works.
		var me struct{ Viewer struct{ Name string } }
		s.integration(good).must(&me, `{ viewer { name } }`, nil)
		if strings.Contains(s.log.String(), good) || strings.Contains(s.log.String(), revoked.Secret) {
			t.Fatal("a secret appears in the server log")
		}
	})
}

func TestSignInAndOut(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		wrongPassword := s.browser().login(acme.email, "not the password at all")
		unknownEmail := s.browser().login("nobody@example.com", "not the password at all")
		for _, r := range []*response{wrongPassword, unknownEmail} {
			expectCode(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")
		}
		if wrongPassword.Errors[0].Message != unknownEmail.Errors[0].Message {
			t.Fatalf("messages differ: %q vs %q", wrongPassword.Errors[0].Message, unknownEmail.Errors[0].Message)
		}
		if len(wrongPassword.Header.Values("Set-Cookie")) != 0 {
			t.Fatal("a failed sign-in set a cookie")
		}

		c := s.browser()
		r := c.login(strings.ToUpper(acme.email), adminPassword)
		if r.Status != http.StatusOK {
			t.Fatalf("login: %s", r.Body)
		}
		cookie := r.Header.Get("Set-Cookie")
		for _, attr := range []string{"apikeys_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(cookie, attr) {
				t.Errorf("cookie %q lacks %s", cookie, attr)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("cookie %q is Secure on plain HTTP", cookie)
		}
		var me struct {
			Viewer struct{ Kind, Name, Role string }
		}
		c.must(&me, `{ viewer { kind name role } }`, nil)
		if me.Viewer.Kind != "USER" || me.Viewer.Name != "Acme Admin" || me.Viewer.Role != "ADMIN" {
			t.Fatalf("viewer = %+v", me.Viewer)
		}

		// Logout ends the session on the server: the old cookie no longer works.
		stolen := c.http.Jar.Cookies(mustURL(s.srv.URL))
		if r := c.post("/auth/logout", nil); r.Status != http.StatusNoContent {
			t.Fatalf("logout: HTTP %d", r.Status)
		}
		replay := s.browser()
		replay.http.Jar.SetCookies(mustURL(s.srv.URL), stolen)
		expectCode(t, replay.gql(`{ viewer { name } }`, nil), http.StatusUnauthorized, "UNAUTHENTICATED")

		var actions []string
		for _, e := range acme.admin.audit(map[string]any{"targetKind": "USER"}) {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, ","); got != "USER_SIGNED_OUT,USER_SIGNED_IN,USER_SIGN_IN_FAILED,USER_SIGNED_IN,USER_CREATED" {
			t.Fatalf("user events = %s", got)
		}

		// Only JSON is accepted, so a cross-site HTML form cannot sign anyone in.
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/auth/login", strings.NewReader("email=a&password=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := s.browser().do(req); r.Status != http.StatusUnsupportedMediaType {
			t.Fatalf("form login: HTTP %d", r.Status)
		}
	})
}

func TestCrossSiteRequestsWithTheCookieAreRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded"} {
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql",
				bytes.NewReader([]byte(`{"query":"mutation { createAPIKey(input: {name: \"CSRF\"}) { secret } }"}`)))
			req.Header.Set("Content-Type", ct)
			if r := admin.do(req); r.Status < 400 {
				t.Errorf("%s POST: HTTP %d %s", ct, r.Status, r.Body)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+`/graphql?query=mutation%7BcreateAPIKey(input:%7Bname:"CSRF"%7D)%7Bsecret%7D%7D`, nil)
		if r := admin.do(req); r.Status < 400 && !strings.Contains(r.Body, "errors") {
			t.Errorf("mutation over GET: HTTP %d %s", r.Status, r.Body)
		}
		if got := admin.counts(); got != (counts{0, 0}) {
			t.Fatalf("counts = %+v: a cross-site request created a key", got)
		}
	})
}

func TestConcurrentRevocationsRevokeOnce(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		k := admin.createKey("Contested", "VIEWER")
		const n = 50
		var wg sync.WaitGroup
		codes := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := admin.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { status } } }`, map[string]any{"id": k.ID})
				if r.Status != http.StatusOK {
					codes[i] = "HTTP " + r.Body
					return
				}
				codes[i] = r.code()
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case "BAD_USER_INPUT":
			default:
				t.Errorf("a concurrent revoke answered %s", c)
			}
		}
		if ok != 1 {
			t.Fatalf("%d revocations succeeded, want exactly 1 (%v)", ok, codes)
		}
		entries := admin.audit(map[string]any{"action": "API_KEY_REVOKED"})
		if len(entries) != 1 {
			t.Fatalf("%d revocation entries, want 1", len(entries))
		}
	})
}

func TestConcurrentCreatesWithOneNameAllSucceed(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		const n = 20
		var wg sync.WaitGroup
		secrets := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out struct{ CreateAPIKey struct{ Secret string } }
				r := admin.gql(createKeyMutation, map[string]any{"name": "Same Name", "role": "VIEWER"})
				if r.Status != http.StatusOK || len(r.Errors) > 0 {
					t.Errorf("concurrent create: HTTP %d %s", r.Status, r.Body)
					return
				}
				if err := json.Unmarshal(r.Data, &out); err != nil {
					t.Error(err)
				}
				secrets[i] = out.CreateAPIKey.Secret
			}()
		}
		wg.Wait()
		if got := admin.counts(); got != (counts{n, 0}) {
			t.Fatalf("counts = %+v, want %d active", got, n)
		}
		if e := admin.audit(map[string]any{"action": "API_KEY_CREATED"}); len(e) != n {
			t.Fatalf("%d creation entries, want %d", len(e), n)
		}
		seen := map[string]bool{}
		for _, sec := range secrets {
			if seen[sec] {
				t.Fatalf("two creates returned one secret")
			}
			seen[sec] = true
		}
	})
}

func TestCORSAllowsOnlyConfiguredOrigins(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, CORSOrigins: []string{"https://admin.example.com"}})
		preflight := func(origin string) http.Header {
			req, _ := http.NewRequest(http.MethodOptions, s.srv.URL+"/graphql", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.Header
		}
		h := preflight("https://admin.example.com")
		if h.Get("Access-Control-Allow-Origin") != "https://admin.example.com" || h.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("configured origin: %v", h)
		}
		for _, origin := range []string{"https://evil.example", "null", "https://admin.example.com.evil.example"} {
			if h := preflight(origin); h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("origin %s allowed: %v", origin, h)
			}
		}
	})
}
