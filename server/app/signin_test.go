package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"apikeys/server/app"
	"apikeys/server/ratelimit"
	"apikeys/server/signin"
)

// Someone guessing an account's password from one address must not lock its owner
// out: the owner, from an address that has not failed, signs in at once.
func TestGuessesDoNotLockTheOwnerOut(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url}) // the default limits
		acme := s.newTenant("Acme")
		attacker := s.from("127.0.0.2")
		for range ratelimit.Default.SignInPerAccount.Burst {
			expectCode(t, attacker.login(acme.email, "a wrong guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		}
		expectRateLimited(t, attacker.login(acme.email, "another wrong guess"))
		expectRateLimited(t, attacker.login(acme.email, adminPassword)) // that address failed
		owner := s.from("127.0.0.3")
		if r := owner.login(acme.email, adminPassword); r.Status != http.StatusOK {
			t.Fatalf("the owner's sign-in: HTTP %d %s", r.Status, r.Body)
		}
		// The attacker keeps trying (one request a minute kept the owner out before):
		// the owner still signs in, again and again.
		expectRateLimited(t, attacker.login(acme.email, "a wrong guess"))
		for range 3 {
			if r := s.from("127.0.0.3").login(acme.email, adminPassword); r.Status != http.StatusOK {
				t.Fatalf("the owner's next sign-in: HTTP %d %s", r.Status, r.Body)
			}
		}
		// A fresh address is let through the account's limit once: a wrong password
		// from it counts, and it is then limited like the first.
		third := s.from("127.0.0.4")
		expectCode(t, third.login(acme.email, "a wrong guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		expectRateLimited(t, third.login(acme.email, "a wrong guess"))
	})
}

// The failed-sign-in entry names no actor (whoever typed is not known to be the
// person) and the person as target; entries per account are bounded, the rest counted.
func TestFailedSignInEntriesAreAnonymousAndBounded(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		limits := ratelimit.Default
		limits.SignInPerIP = ratelimit.Rate{Burst: 1000, Every: time.Millisecond}
		limits.SignInPerAccount = ratelimit.Rate{Burst: 1000, Every: time.Millisecond}
		s := newServer(t, app.Config{DatabaseURL: url, Limits: limits})
		acme := s.newTenant("Acme")
		guesses := 3 * limits.FailureEntries.Burst
		for i := range guesses {
			expectCode(t, s.from(fmt.Sprintf("127.0.1.%d", i+1)).login(acme.email, "a wrong guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		}
		var failed []auditEntry
		deadline := time.Now().Add(5 * time.Second)
		for {
			failed = acme.admin.audit(map[string]any{"action": "USER_SIGN_IN_FAILED"})
			if len(failed) >= limits.FailureEntries.Burst || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // any entry beyond the bound would be written by now
		failed = acme.admin.audit(map[string]any{"action": "USER_SIGN_IN_FAILED"})
		if len(failed) != limits.FailureEntries.Burst {
			t.Fatalf("%d failed-sign-in entries for %d guesses, want the bound %d", len(failed), guesses, limits.FailureEntries.Burst)
		}
		e := failed[0]
		if e.ActorKind != "ANONYMOUS" || e.ActorName != "Anonymous" || e.TargetKind != "USER" || e.TargetName != "Acme Admin" {
			t.Fatalf("failed sign-in entry = %+v", e)
		}
		if got := scrape(t, s, `apikeys_auth_results_total{result="sign_in_failure_unrecorded"}`); got != float64(guesses-limits.FailureEntries.Burst) {
			t.Fatalf("unrecorded failures = %v, want %d", got, guesses-limits.FailureEntries.Burst)
		}
	})
}

// A wrong password and an unknown email are answered after the same work: the
// failure's audit entry is written off the request. Here the audit table is locked by
// another transaction, and the wrong password is still answered at once.
func TestAWrongPasswordDoesNotWaitForItsAuditEntry(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		acme := s.newTenant("Acme")
		db := s.app.DB.DB
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var tx *sql.Tx
		if s.app.DB.Dialect == "postgres" {
			tx, err = conn.BeginTx(ctx, nil)
			if err == nil {
				_, err = tx.Exec("LOCK TABLE audit_entries IN EXCLUSIVE MODE")
			}
		} else {
			tx, err = conn.BeginTx(ctx, nil) // _txlock=immediate: the database's write lock
		}
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		expectCode(t, s.browser().login(acme.email, "a wrong guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		took := time.Since(start)
		expectCode(t, s.browser().login("nobody@example.com", "a wrong guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if took > 3*time.Second {
			t.Fatalf("a wrong password took %v while the audit trail was locked: it waited for its entry", took)
		}
		// Once the lock is gone the entry is written.
		deadline := time.Now().Add(15 * time.Second)
		for len(acme.admin.audit(map[string]any{"action": "USER_SIGN_IN_FAILED"})) != 1 {
			if time.Now().After(deadline) {
				t.Fatal("the failed sign-in was never recorded")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// One email may have an account in several companies: the password decides, and when
// it opens several, the person chooses.
func TestOneEmailInSeveralCompanies(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		acme, globex, initech := s.newTenant("Acme"), s.newTenant("Globex"), s.newTenant("Initech")
		createUser := `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`
		add := func(t *tenant, password string) {
			t.admin.must(nil, createUser, map[string]any{"in": map[string]any{"name": "Bo Berg", "email": "bo@example.com", "password": password}})
		}
		add(acme, "bo's shared passphrase")
		add(globex, "bo's shared passphrase")
		add(initech, "bo's initech passphrase")

		// A password that opens one account signs in to it.
		c := s.browser()
		if r := c.login("BO@example.com", "bo's initech passphrase"); r.Status != http.StatusOK || !strings.Contains(r.Body, `"name":"Initech"`) {
			t.Fatalf("sign-in to the one matching company: HTTP %d %s", r.Status, r.Body)
		}
		// One that opens two asks which, naming only those two.
		r := s.browser().login("bo@example.com", "bo's shared passphrase")
		if r.Status != http.StatusConflict || r.code() != "CHOOSE_ORGANIZATION" {
			t.Fatalf("sign-in matching two companies: HTTP %d %s", r.Status, r.Body)
		}
		orgs, _ := r.Errors[0].Extensions["organizations"].([]any)
		if len(orgs) != 2 || strings.Contains(r.Body, "Initech") || len(r.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("the companies to choose from: %s", r.Body)
		}
		chosen := orgs[1].(map[string]any)
		b := s.browser()
		r = b.post("/auth/login", map[string]any{"email": "bo@example.com", "password": "bo's shared passphrase", "organizationId": chosen["id"]})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, fmt.Sprintf(`"name":%q`, chosen["name"])) {
			t.Fatalf("sign-in with the chosen company: HTTP %d %s", r.Status, r.Body)
		}
		var me struct {
			Viewer struct{ Organization struct{ Name string } }
		}
		b.must(&me, `{ viewer { organization { name } } }`, nil)
		if me.Viewer.Organization.Name != chosen["name"] {
			t.Fatalf("signed in to %q, chose %q", me.Viewer.Organization.Name, chosen["name"])
		}
		// Choosing a company whose account the password does not open is a wrong password.
		r = s.browser().post("/auth/login", map[string]any{"email": "bo@example.com", "password": "bo's shared passphrase", "organizationId": string(initech.org.ID)})
		expectCode(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")

		// An admin learns nothing of other companies' people: the same email is free in
		// Acme's eyes until Acme has it, and a field error comes before any lookup.
		probe := acme.admin.gql(createUser, map[string]any{"in": map[string]any{"name": "", "email": globex.email, "password": "long enough password"}})
		expectCode(t, probe, http.StatusOK, "BAD_USER_INPUT")
		if probe.Errors[0].Extensions["field"] != "name" {
			t.Fatalf("an empty name with another company's email: %s", probe.Body)
		}
		acme.admin.must(nil, createUser, map[string]any{"in": map[string]any{"name": "Globex Admin", "email": globex.email, "password": "long enough password"}})
	})
}

func TestSignInRefusesMalformedInputWithFieldErrors(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"email": "", "password": ""}, "email"},
			{map[string]any{"email": "   ", "password": "x"}, "email"},
			{map[string]any{"email": "ada@example.com", "password": ""}, "password"},
			{map[string]any{"email": "ada\x00@example.com", "password": "a long password"}, "email"},
			{map[string]any{"email": strings.Repeat("a", 300) + "@example.com", "password": "a long password"}, "email"},
			{map[string]any{"email": "ada@example.com", "password": strings.Repeat("p", 2000)}, "password"},
		} {
			r := s.browser().post("/auth/login", tc.body)
			expectCode(t, r, http.StatusBadRequest, "BAD_USER_INPUT")
			if r.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("%q: field %v, want %s", tc.body["email"], r.Errors[0].Extensions["field"], tc.field)
			}
		}
		if strings.Contains(s.log.String(), "level=ERROR") {
			t.Fatalf("malformed sign-ins logged errors:\n%s", s.log.String())
		}
	})
}

// The browser forgets the session: the 204 of sign-out carries the expired cookie.
func TestSignOutClearsTheCookie(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		r := acme.admin.post("/auth/logout", nil)
		if r.Status != http.StatusNoContent {
			t.Fatalf("logout: HTTP %d", r.Status)
		}
		cookie := r.Header.Get("Set-Cookie")
		if !strings.HasPrefix(cookie, signin.Cookie+"=;") || !strings.Contains(cookie, "Max-Age=0") {
			t.Fatalf("logout's Set-Cookie = %q, want the session cookie expired", cookie)
		}
		if n := len(acme.admin.http.Jar.Cookies(mustURL(s.srv.URL))); n != 0 {
			t.Fatalf("the browser still has %d cookies", n)
		}
	})
}

// GET /auth/session answers 200 whether signed in or not: the app asks it first, so
// that a first visit logs no 401.
func TestTheSessionProbeAnswers200(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme Probe")
		probe := func(c *client) bool {
			t.Helper()
			r := c.get("/auth/session")
			var out struct{ SignedIn *bool }
			if err := json.Unmarshal([]byte(r.Body), &out); r.Status != http.StatusOK || err != nil || out.SignedIn == nil {
				t.Fatalf("GET /auth/session: HTTP %d %s", r.Status, r.Body)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			return *out.SignedIn
		}
		if !probe(acme.admin) {
			t.Error("a signed-in browser is told it is signed out")
		}
		if probe(s.browser()) {
			t.Error("a browser without a cookie is told it is signed in")
		}
		forged := s.browser()
		forged.http.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{{Name: signin.Cookie, Value: strings.Repeat("A", 43)}})
		if probe(forged) {
			t.Error("a made-up cookie is signed in")
		}
		if r := acme.admin.post("/auth/logout", nil); r.Status != http.StatusNoContent {
			t.Fatal(r.Body)
		}
		if probe(acme.admin) {
			t.Error("signed in after signing out")
		}
	})
}
