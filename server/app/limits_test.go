package app_test

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"testing"
	"time"

	"apikeys/ent/keys"
	"apikeys/server/app"
	"apikeys/server/auth"
)

var tightLimits = auth.Limits{
	SignInPerAccount: auth.Rate{Burst: 3, Every: time.Hour},
	SignInPerIP:      auth.Rate{Burst: 5, Every: time.Hour},
	KeyPerIP:         auth.Rate{Burst: 5, Every: time.Hour},
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
