package app_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"apikeys/server/app"
)

// Issue 11: a key may be restricted to networks; from anywhere else it gets 403, cached
// or not; behind a trusted proxy X-Forwarded-For decides, from anyone else it does not.

const createRestricted = `mutation($input: CreateAPIKeyInput!) { createAPIKey(input: $input) { secret apiKey { id allowedNetworks } } }`

type restrictedKey struct {
	CreateAPIKey struct {
		Secret string
		APIKey struct {
			ID              string
			AllowedNetworks []string
		}
	}
}

// viewerFrom asks { viewer { id } } with key from ip (and X-Forwarded-For, if set).
func (s *server) viewerFrom(t *testing.T, ip, key, forwarded string) *response {
	t.Helper()
	c := s.from(ip)
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	return c.do(req)
}

func TestAllowedNetworks(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		admin := s.newTenant("Acme").admin
		var k restrictedKey
		admin.must(&k, createRestricted, map[string]any{"input": map[string]any{
			"name": "Office only", "role": "VIEWER",
			"allowedNetworks": []string{"127.0.0.2", " 10.9.8.7/8 ", "::1", "127.0.0.2/32", "::ffff:127.0.0.5"},
		}})
		want := []string{"10.0.0.0/8", "127.0.0.2/32", "127.0.0.5/32", "::1/128"}
		if got := k.CreateAPIKey.APIKey.AllowedNetworks; !slices.Equal(got, want) {
			t.Fatalf("allowedNetworks = %q, want %q (normalized, sorted, no duplicates)", got, want)
		}
		secret := k.CreateAPIKey.Secret
		for range 2 { // the lookup, then the cache
			if r := s.viewerFrom(t, "127.0.0.2", secret, ""); r.Status != http.StatusOK {
				t.Fatalf("from an allowed address: HTTP %d %s", r.Status, r.Body)
			}
			r := s.viewerFrom(t, "127.0.0.3", secret, "")
			expectCode(t, r, http.StatusForbidden, "FORBIDDEN")
			if r.Errors[0].Message != "this key may not be used from this address" {
				t.Fatalf("message: %q", r.Errors[0].Message)
			}
		}
		// IPv6: a server of the same app listening on ::1.
		ln, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			t.Fatalf("listening on the IPv6 loopback: %v", err)
		}
		v6 := httptest.NewUnstartedServer(s.app.Handler())
		v6.Listener.Close()
		v6.Listener = ln
		v6.Start()
		defer v6.Close()
		req, _ := http.NewRequest(http.MethodPost, v6.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		if r := s.browser().do(req); r.Status != http.StatusOK {
			t.Fatalf("from ::1: HTTP %d %s", r.Status, r.Body)
		}

		// Bad entries name themselves; more than 100 are refused.
		for _, bad := range [][]string{{"10.0.0.0/33"}, {"example.com"}, {"fe80::1%eth0"}, {""}} {
			r := admin.gql(createRestricted, map[string]any{"input": map[string]any{"name": "Bad", "role": "VIEWER", "allowedNetworks": bad}})
			wantField(t, "allowedNetworks "+bad[0], r, "allowedNetworks")
			if !strings.Contains(r.Errors[0].Message, bad[0]) {
				t.Fatalf("the message does not name %q: %s", bad[0], r.Errors[0].Message)
			}
		}
		many := make([]string, 101)
		for i := range many {
			many[i] = netip.AddrFrom4([4]byte{10, 0, byte(i), 1}).String()
		}
		wantField(t, "101 networks", admin.gql(createRestricted, map[string]any{"input": map[string]any{"name": "Many", "role": "VIEWER", "allowedNetworks": many}}), "allowedNetworks")

		// Opened to any address by updateAPIKey, audited with the old and new lists; the
		// cached key follows at once.
		const update = `mutation($input: UpdateAPIKeyInput!) { updateAPIKey(input: $input) { apiKey { allowedNetworks name } } }`
		var out struct {
			UpdateAPIKey struct {
				APIKey struct {
					AllowedNetworks []string
					Name            string
				}
			}
		}
		admin.must(&out, update, map[string]any{"input": map[string]any{"id": k.CreateAPIKey.APIKey.ID, "allowedNetworks": []string{}}})
		if got := out.UpdateAPIKey.APIKey; len(got.AllowedNetworks) != 0 || got.Name != "Office only" {
			t.Fatalf("after opening: %+v", got)
		}
		if r := s.viewerFrom(t, "127.0.0.3", secret, ""); r.Status != http.StatusOK {
			t.Fatalf("opened key from anywhere: HTTP %d %s", r.Status, r.Body)
		}
		admin.must(&out, update, map[string]any{"input": map[string]any{"id": k.CreateAPIKey.APIKey.ID, "allowedNetworks": []string{"127.0.0.7"}}})
		expectCode(t, s.viewerFrom(t, "127.0.0.3", secret, ""), http.StatusForbidden, "FORBIDDEN")
		var entries struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						Metadata map[string]map[string][]string
					}
				}
			}
		}
		admin.must(&entries, `{ auditEntries(where: {action: API_KEY_UPDATED}) { edges { node { metadata } } } }`, nil)
		if len(entries.AuditEntries.Edges) != 2 {
			t.Fatalf("%d update entries, want 2", len(entries.AuditEntries.Edges))
		}
		if m := entries.AuditEntries.Edges[1].Node.Metadata["allowedNetworks"]; !slices.Equal(m["old"], want) || len(m["new"]) != 0 {
			t.Fatalf("the first update's metadata: %v", m)
		}

		// A rotation keeps the networks unless given.
		var rot struct {
			RotateAPIKey struct {
				APIKey struct{ AllowedNetworks []string }
			}
		}
		admin.must(&rot, `mutation($id: ID!) { rotateAPIKey(input: {id: $id}) { apiKey { allowedNetworks } } }`, map[string]any{"id": k.CreateAPIKey.APIKey.ID})
		if got := rot.RotateAPIKey.APIKey.AllowedNetworks; !slices.Equal(got, []string{"127.0.0.7/32"}) {
			t.Fatalf("the rotated key's networks: %q", got)
		}
	})
}

func TestTrustedProxies(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.9/32")}})
		admin := s.newTenant("Acme").admin
		var k restrictedKey
		admin.must(&k, createRestricted, map[string]any{"input": map[string]any{
			"name": "Behind the proxy", "role": "VIEWER", "allowedNetworks": []string{"203.0.113.0/24"},
		}})
		secret := k.CreateAPIKey.Secret
		// Through the trusted proxy: the client is the rightmost address it did not add.
		if r := s.viewerFrom(t, "127.0.0.9", secret, "198.51.100.1, 203.0.113.5"); r.Status != http.StatusOK {
			t.Fatalf("via the trusted proxy from an allowed client: HTTP %d %s", r.Status, r.Body)
		}
		if r := s.viewerFrom(t, "127.0.0.9", secret, "203.0.113.5, 127.0.0.9"); r.Status != http.StatusOK {
			t.Fatalf("via two trusted hops: HTTP %d %s", r.Status, r.Body)
		}
		// A client that puts an allowed address first does not pass: the proxy appended its own.
		expectCode(t, s.viewerFrom(t, "127.0.0.9", secret, "203.0.113.5, 198.51.100.1"), http.StatusForbidden, "FORBIDDEN")
		// An untrusted peer forging the header: its own address counts.
		expectCode(t, s.viewerFrom(t, "127.0.0.3", secret, "203.0.113.5"), http.StatusForbidden, "FORBIDDEN")
	})
}

// recentClients: the last 5 distinct addresses a key was used from, newest first, with
// their user agents, written with the batched last use (not by the request itself).
func TestRecentClients(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, LastUsedFlush: time.Hour}) // flushed by hand
		admin := s.newTenant("Acme").admin
		k := admin.createKey("Seen from many places", "VIEWER")
		use := func(ip, agent string) {
			c := s.from(ip)
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+k.Secret)
			req.Header.Set("User-Agent", agent)
			if r := c.do(req); r.Status != http.StatusOK {
				t.Fatalf("from %s: HTTP %d %s", ip, r.Status, r.Body)
			}
		}
		const query = `query($id: ID!) { node(id: $id) { ... on APIKey { recentClients { address userAgent lastSeenAt } } } }`
		type clients struct {
			Node struct {
				RecentClients []struct {
					Address, UserAgent string
					LastSeenAt         time.Time
				}
			}
		}
		var got clients
		admin.must(&got, query, map[string]any{"id": k.ID})
		if got.Node.RecentClients == nil || len(got.Node.RecentClients) != 0 {
			t.Fatalf("a key never used: %+v", got.Node.RecentClients)
		}
		use("127.0.0.2", "erp-sync/1.0")
		use("127.0.0.2", "erp-sync/1.0") // the same address again within the minute: one entry
		use("127.0.0.3", "curl/8.5.0")
		admin.must(&got, query, map[string]any{"id": k.ID})
		if len(got.Node.RecentClients) != 0 {
			t.Fatal("recentClients written by the request itself, not by the batch")
		}
		if err := s.app.Auth.Keys.FlushUsage(context.Background()); err != nil {
			t.Fatal(err)
		}
		admin.must(&got, query, map[string]any{"id": k.ID})
		rc := got.Node.RecentClients
		if len(rc) != 2 || rc[0].Address != "127.0.0.3" || rc[0].UserAgent != "curl/8.5.0" || rc[1].Address != "127.0.0.2" || rc[1].UserAgent != "erp-sync/1.0" {
			t.Fatalf("recentClients = %+v", rc)
		}
		// Five more addresses over two batches: the newest five remain, newest first.
		for _, ip := range []string{"127.0.0.4", "127.0.0.5"} {
			use(ip, "agent "+ip)
		}
		if err := s.app.Auth.Keys.FlushUsage(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, ip := range []string{"127.0.0.6", "127.0.0.7", "127.0.0.2"} {
			use(ip, "agent "+ip)
		}
		if err := s.app.Auth.Keys.FlushUsage(context.Background()); err != nil {
			t.Fatal(err)
		}
		admin.must(&got, query, map[string]any{"id": k.ID})
		var addrs []string
		for _, c := range got.Node.RecentClients {
			addrs = append(addrs, c.Address)
		}
		if want := []string{"127.0.0.2", "127.0.0.7", "127.0.0.6", "127.0.0.5", "127.0.0.4"}; !slices.Equal(addrs, want) {
			t.Fatalf("recentClients addresses = %q, want %q", addrs, want)
		}
	})
}
