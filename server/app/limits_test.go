package app_test

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"time"

	"apikeys/ent/keys"
	"apikeys/server/app"
	"apikeys/server/ratelimit"
)

var tightLimits = ratelimit.Limits{
	SignInPerAccount: ratelimit.Rate{Burst: 3, Every: time.Hour},
	SignInPerIP:      ratelimit.Rate{Burst: 5, Every: time.Hour},
	KeyPerIP:         ratelimit.Rate{Burst: 5, Every: time.Hour},
}

// from returns a client whose requests come from another loopback address.
func (s *server) from(ip string) *client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	return &client{t: s.t, s: s, http: &http.Client{Jar: jar, Transport: tr}}
}

func expectRateLimited(t *testing.T, r *response) {
	t.Helper()
	expectCode(t, r, http.StatusTooManyRequests, "RATE_LIMITED")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
}

func TestFailedSignInsAreLimited(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, Limits: tightLimits})
		acme := s.newTenant("Acme")
		attacker := s.from("127.0.0.2")
		for range 3 {
			expectCode(t, attacker.login(acme.email, "wrong password guess"), http.StatusUnauthorized, "UNAUTHENTICATED")
		}
		// The account is now limited for the address that failed, even with the right
		// password; its owner, from an address that has not failed, still signs in.
		expectRateLimited(t, attacker.login(acme.email, adminPassword))
		if r := s.from("127.0.0.3").login(acme.email, adminPassword); r.Status != http.StatusOK {
			t.Fatalf("the owner's sign-in from another address: HTTP %d %s", r.Status, r.Body)
		}
		// Unknown emails count against the IP like known ones (no oracle); the IP is
		// limited after its 5 failures.
		expectCode(t, attacker.login("nobody1@example.com", "x"), http.StatusUnauthorized, "UNAUTHENTICATED")
		expectCode(t, attacker.login("nobody2@example.com", "x"), http.StatusUnauthorized, "UNAUTHENTICATED")
		expectRateLimited(t, attacker.login("nobody3@example.com", "x"))

		// Other people, from other addresses, are not slowed.
		acme.admin.must(nil, `mutation { createUser(input: {name: "Bo", email: "bo@example.com", password: "bo's long password"}) { user { id } } }`, nil)
		if r := s.from("127.0.0.4").login("bo@example.com", "bo's long password"); r.Status != http.StatusOK {
			t.Fatalf("another person's sign-in: HTTP %d %s", r.Status, r.Body)
		}
	})
}

func TestBadKeyFloodsAreLimitedBeforeTheDatabase(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, Limits: tightLimits})
		acme := s.newTenant("Acme")
		good := acme.admin.createKey("Good", "VIEWER").Secret
		flooder := s.from("127.0.0.2")
		for range 5 {
			random, _ := keys.Generate() // well-formed, checksum valid, unknown
			flooder.key = random
			expectCode(t, flooder.gql(`{ viewer { name } }`, nil), http.StatusUnauthorized, "UNAUTHENTICATED")
		}
		random, _ := keys.Generate()
		flooder.key = random
		expectRateLimited(t, flooder.gql(`{ viewer { name } }`, nil))

		// Another client's good key is served as usual.
		other := s.from("127.0.0.3")
		other.key = good
		other.must(nil, `{ viewer { name } }`, nil)
		// Successful requests spend nothing: many of them stay unlimited.
		for range 20 {
			other.must(nil, `{ viewer { name } }`, nil)
		}

		// Once limited, the flood is answered without the database: close it, and the
		// answer is still 429, not an error of a failed lookup.
		if err := s.app.DB.DB.Close(); err != nil {
			t.Fatal(err)
		}
		expectRateLimited(t, flooder.gql(`{ viewer { name } }`, nil))
	})
}

// Issue 11, defect 1: integrations behind one address (a NAT) whose keys are revoked in
// turn and retried never get a valid key refused, and a flood of revoked and made-up
// keys from that address makes the database do no more lookups than the limit allows.
func TestAValidKeyIsServedWhateverItsAddressDid(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, Limits: tightLimits}) // 5 bad lookups an hour an address
		admin := s.newTenant("Acme").admin
		const integrations = 50
		nat := s.from("127.0.0.4")
		var secrets []string
		for i := range integrations {
			k := admin.createKey("Integration "+strconv.Itoa(i), "VIEWER")
			secrets = append(secrets, k.Secret)
			nat.key = k.Secret
			nat.must(nil, `{ viewer { name } }`, nil) // in use: cached
		}
		const revoke = `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`
		var ids []string
		var list struct {
			APIKeys struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
		admin.must(&list, `{ apiKeys(status: ACTIVE, first: 100, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { id name } } } }`, nil)
		for _, e := range list.APIKeys.Edges {
			ids = append(ids, e.Node.ID)
		}
		// Revoke all but the last in turn; each integration retries a few times.
		for i := range integrations - 1 {
			admin.must(nil, revoke, map[string]any{"id": ids[i]})
			nat.key = secrets[i]
			for range 4 {
				if r := nat.gql(`{ viewer { name } }`, nil); r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
					t.Fatalf("a revoked key: HTTP %d %s", r.Status, r.Body)
				}
			}
		}
		// Then a flood of 1,000 requests: the revoked keys again and made-up ones.
		before := s.app.DB.Statements()
		made := make([]string, 20)
		for i := range made {
			made[i], _ = keys.Generate()
		}
		for i := range 1000 {
			if i%2 == 0 {
				nat.key = secrets[i%(integrations-1)]
			} else {
				nat.key = made[i%len(made)]
			}
			if r := nat.gql(`{ viewer { name } }`, nil); r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
				t.Fatalf("flood: HTTP %d %s", r.Status, r.Body)
			}
		}
		// Every revoked key was looked up once already; the made-up ones at most as
		// far as the limit (already spent) allows: no lookups at all.
		if n := s.app.DB.Statements() - before; n > uint64(tightLimits.KeyPerIP.Burst) {
			t.Errorf("the flood of 1,000 made the database run %d statements, want at most %d", n, tightLimits.KeyPerIP.Burst)
		}
		// The last integration's valid key, from the same address: served.
		nat.key = secrets[integrations-1]
		for range 20 {
			nat.must(nil, `{ viewer { name } }`, nil)
		}
	})
}

// flood sends n requests with distinct made-up keys from c: the first lookups spend the
// address's tokens, the rest are refused with 429 before the database.
func flood(t *testing.T, c *client, n int) {
	t.Helper()
	for range n {
		c.key, _ = keys.Generate()
		if r := c.gql(`{ viewer { name } }`, nil); r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			t.Fatalf("flood: HTTP %d %s", r.Status, r.Body)
		}
	}
	expectRateLimited(t, c.gql(`{ viewer { name } }`, nil))
}

// A flood of made-up keys spends an address's lookups; a valid key first used from that
// address afterwards (a new integration behind the same NAT) is still looked up and
// served, on the instance that created it and, on PostgreSQL, on another one; the made-up
// keys still cost the database no more than the limit.
func TestANewKeyIsServedAfterAFloodFromItsAddress(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		// 5 bad lookups an hour an address; no sweeper among the statements counted.
		s := newServer(t, app.Config{DatabaseURL: url, Limits: tightLimits, SweepEvery: time.Hour})
		acme := s.newTenant("Acme")
		nat := s.from("127.0.0.6")
		before, start := s.app.DB.Statements(), time.Now()
		flood(t, nat, 300)
		// The limit's 5 lookups, and the server's re-check of revoked keys (2 a second).
		if n, most := s.app.DB.Statements()-before, uint64(tightLimits.KeyPerIP.Burst)+1+uint64(2*time.Since(start)/time.Second); n > most {
			t.Errorf("300 made-up keys made the database run %d statements, want at most %d", n, most)
		}
		for i := range 3 {
			k := acme.admin.createKey("New integration "+strconv.Itoa(i), "VIEWER")
			nat.key = k.Secret
			nat.must(nil, `{ viewer { name } }`, nil)
			// Made-up keys are still refused before the database.
			nat.key, _ = keys.Generate()
			expectRateLimited(t, nat.gql(`{ viewer { name } }`, nil))
		}
		// A rotated key's successor is new too.
		k := acme.admin.createKey("Rotated integration", "VIEWER")
		var rotated struct {
			RotateAPIKey struct{ Secret string }
		}
		acme.admin.must(&rotated, `mutation($id: ID!) { rotateAPIKey(input: {id: $id}) { secret } }`, map[string]any{"id": k.ID})
		nat.key = rotated.RotateAPIKey.Secret
		nat.must(nil, `{ viewer { name } }`, nil)

		if !strings.HasPrefix(url, "postgres") {
			return
		}
		// Another instance hears of new keys through NOTIFY.
		b := newServer(t, app.Config{DatabaseURL: url + "&application_name=apikeys_test_b", Limits: tightLimits})
		waitListening(t, b)
		natB := b.from("127.0.0.7")
		flood(t, natB, 300)
		k = acme.admin.createKey("Integration on B", "VIEWER")
		time.Sleep(100 * time.Millisecond) // the notification's delivery (about a millisecond)
		natB.key = k.Secret
		natB.must(nil, `{ viewer { name } }`, nil)
	})
}
