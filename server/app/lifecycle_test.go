package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"apikeys/server/app"
)

// The key lifecycle through the real server on both databases (issue 10): expiry,
// the sweeper, rotation with an overlap, renaming, the key policy.

const lifecycleKeyFields = `id name status expiresAt revokedAt revocationReason revokedByName revokedByKind maskedKey
  replaces { id } replacedBy { id }`

type lifecycleKey struct {
	ID, Name, Status, MaskedKey string
	ExpiresAt, RevokedAt        *time.Time
	RevocationReason            *string
	RevokedByName               *string
	RevokedByKind               *string
	Replaces, ReplacedBy        *struct{ ID string }
}

func (c *client) createExpiring(name string, expiresAt *time.Time) (*response, createdKey) {
	c.t.Helper()
	vars := map[string]any{"input": map[string]any{"name": name, "role": "VIEWER", "expiresAt": expiresAt}}
	r := c.gql(`mutation($input: CreateAPIKeyInput!) { createAPIKey(input: $input) { secret apiKey { id name } } }`, vars)
	var out struct {
		CreateAPIKey struct {
			Secret string
			APIKey struct{ ID, Name string }
		}
	}
	if len(r.Errors) == 0 {
		r.decode(c.t, &out)
	}
	return r, createdKey{ID: out.CreateAPIKey.APIKey.ID, Secret: out.CreateAPIKey.Secret, Name: out.CreateAPIKey.APIKey.Name}
}

func (c *client) keyByID(id string) lifecycleKey {
	c.t.Helper()
	var out struct{ Node lifecycleKey }
	c.must(&out, `query($id: ID!) { node(id: $id) { ... on APIKey { `+lifecycleKeyFields+` } } }`, map[string]any{"id": id})
	return out.Node
}

// status returns the HTTP status of { viewer { id } } with key.
func (s *server) status(key string) int {
	return s.integration(key).gql(`{ viewer { id } }`, nil).Status
}

func wantField(t *testing.T, what string, r *response, field string) {
	t.Helper()
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != field {
		t.Fatalf("%s: want BAD_USER_INPUT on %q, got %s", what, field, r.Body)
	}
}

// A key with an expiry works until it, is refused from that second whether cached or
// not (on a second instance too), and lands in the Revoked tab with reason EXPIRED, by
// "System", with one audit entry and the counters right.
func TestAKeyExpires(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		a := newServer(t, app.Config{DatabaseURL: url, SweepEvery: 100 * time.Millisecond})
		b := newServer(t, app.Config{DatabaseURL: url, SweepEvery: time.Hour}) // only a's sweeper sweeps
		admin := a.newTenant("Acme").admin
		expires := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
		r, k := admin.createExpiring("Nightly Export", &expires)
		if len(r.Errors) > 0 {
			t.Fatal(r.Body)
		}
		if got := admin.keyByID(k.ID); got.ExpiresAt == nil || !got.ExpiresAt.Equal(expires) {
			t.Fatalf("expiresAt = %v, want %v", got.ExpiresAt, expires)
		}
		// Cached on both instances.
		for _, s := range []*server{a, b} {
			if st := s.status(k.Secret); st != http.StatusOK {
				t.Fatalf("before its expiry: HTTP %d", st)
			}
		}
		time.Sleep(time.Until(expires.Add(-300 * time.Millisecond)))
		if st := b.status(k.Secret); st != http.StatusOK {
			t.Fatalf("300 ms before its expiry: HTTP %d", st)
		}
		time.Sleep(time.Until(expires))
		for name, s := range map[string]*server{"a": a, "b": b} {
			r := s.integration(k.Secret).gql(`{ viewer { id } }`, nil)
			if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
				t.Fatalf("instance %s at its expiry: HTTP %d %s", name, r.Status, r.Body)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for admin.keyByID(k.ID).Status != "REVOKED" {
			if time.Now().After(deadline) {
				t.Fatal("not swept within 10 s of its expiry")
			}
			time.Sleep(50 * time.Millisecond)
		}
		got := admin.keyByID(k.ID)
		if *got.RevocationReason != "EXPIRED" || !got.RevokedAt.Equal(expires) || *got.RevokedByName != "System" || *got.RevokedByKind != "SYSTEM" {
			t.Fatalf("swept key: reason %v, revokedAt %v, by %v (%v)", *got.RevocationReason, got.RevokedAt, *got.RevokedByName, *got.RevokedByKind)
		}
		if n := admin.counts(); n.Active != 0 || n.Revoked != 1 {
			t.Fatalf("counters after the sweep: %+v", n)
		}
		var entries []auditEntry
		for _, e := range admin.audit(nil) {
			if e.Action == "API_KEY_EXPIRED" {
				entries = append(entries, e)
			}
		}
		if len(entries) != 1 || entries[0].ActorName != "System" || entries[0].ActorKind != "SYSTEM" {
			t.Fatalf("expiry entries: %+v", entries)
		}
	})
}

// An expiry in the past, too far ahead or against the policy is refused on expiresAt.
func TestExpiryAndPolicyRefusals(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		robot := admin.createKey("Admin Robot", "ADMIN")
		past, far := time.Now().Add(-time.Minute), time.Now().AddDate(5, 0, 2)
		r, _ := admin.createExpiring("Past", &past)
		wantField(t, "an expiry in the past", r, "expiresAt")
		r, _ = admin.createExpiring("Far", &far)
		wantField(t, "an expiry beyond 5 years", r, "expiresAt")

		const setPolicy = `mutation($input: UpdateKeyPolicyInput!) { updateKeyPolicy(input: $input) { keyPolicy { maxLifetimeDays requireExpiry } } }`
		wantField(t, "a maximum of 0 days", admin.gql(setPolicy, map[string]any{"input": map[string]any{"maxLifetimeDays": 0, "requireExpiry": false}}), "maxLifetimeDays")
		admin.must(nil, setPolicy, map[string]any{"input": map[string]any{"requireExpiry": true}})
		r, _ = admin.createExpiring("Forever", nil)
		wantField(t, "no expiry under requireExpiry", r, "expiresAt")
		admin.must(nil, setPolicy, map[string]any{"input": map[string]any{"maxLifetimeDays": 30, "requireExpiry": false}})
		in40 := time.Now().AddDate(0, 0, 40)
		r, _ = admin.createExpiring("Forty days", &in40)
		wantField(t, "40 days under a 30-day maximum", r, "expiresAt")
		r, _ = admin.createExpiring("No expiry", nil)
		wantField(t, "no expiry under a 30-day maximum", r, "expiresAt")
		in20 := time.Now().AddDate(0, 0, 20)
		if r, _ := admin.createExpiring("Twenty days", &in20); len(r.Errors) > 0 {
			t.Fatalf("20 days under a 30-day maximum: %s", r.Body)
		}
		// "30 days" by a browser whose clock is two minutes ahead is still the maximum;
		// ten minutes past it is not.
		skewed := time.Now().Add(30*24*time.Hour + 2*time.Minute)
		if r, _ := admin.createExpiring("Thirty days, clock ahead", &skewed); len(r.Errors) > 0 {
			t.Fatalf("the maximum by a clock 2 minutes ahead: %s", r.Body)
		}
		beyond := time.Now().Add(30*24*time.Hour + 10*time.Minute)
		r, _ = admin.createExpiring("Beyond", &beyond)
		wantField(t, "ten minutes beyond the maximum", r, "expiresAt")
		// Nothing half-done: one key, the counters say so.
		if n := admin.counts(); n.Active != 3 {
			t.Fatalf("counters after the refusals: %+v", n)
		}
		var org struct {
			Viewer struct {
				Organization struct {
					KeyPolicy struct {
						MaxLifetimeDays *int
						RequireExpiry   bool
					}
				}
			}
		}
		admin.must(&org, `{ viewer { organization { keyPolicy { maxLifetimeDays requireExpiry } } } }`, nil)
		if p := org.Viewer.Organization.KeyPolicy; p.MaxLifetimeDays == nil || *p.MaxLifetimeDays != 30 || p.RequireExpiry {
			t.Fatalf("keyPolicy = %+v", p)
		}
		var changes []auditEntry
		for _, e := range admin.audit(nil) {
			if e.Action == "KEY_POLICY_UPDATED" {
				changes = append(changes, e)
			}
		}
		if len(changes) != 2 {
			t.Fatalf("%d policy entries, want 2", len(changes))
		}
		// Only admin people set the policy.
		r = s.integration(robot.Secret).gql(setPolicy, map[string]any{"input": map[string]any{"requireExpiry": false}})
		if r.code() != "FORBIDDEN" {
			t.Fatalf("an ADMIN key setting the policy: %s", r.Body)
		}
	})
}

const rotate = `mutation($input: RotateAPIKeyInput!) { rotateAPIKey(input: $input) {
  secret apiKey { ` + lifecycleKeyFields + ` } previousKey { ` + lifecycleKeyFields + ` } } }`

type rotated struct {
	RotateAPIKey struct {
		Secret      string
		APIKey      lifecycleKey
		PreviousKey lifecycleKey
	}
}

// Rotation with an overlap: both keys work, then only the new one; the old one ends
// with reason ROTATED; one API_KEY_ROTATED entry and no create entry for the new key.
// Rotating at once ends the old key at once.
func TestRotation(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, SweepEvery: 100 * time.Millisecond})
		admin := s.newTenant("Acme").admin
		old := admin.createKey("ERP Sync", "ADMIN")
		if st := s.status(old.Secret); st != http.StatusOK {
			t.Fatal(st)
		}
		overlap := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
		var out rotated
		admin.must(&out, rotate, map[string]any{"input": map[string]any{"id": old.ID, "previousKeyExpiresAt": overlap}})
		nk, prev := out.RotateAPIKey.APIKey, out.RotateAPIKey.PreviousKey
		if nk.Name != "ERP Sync" || nk.Replaces == nil || nk.Replaces.ID != old.ID || prev.ReplacedBy == nil || prev.ReplacedBy.ID != nk.ID {
			t.Fatalf("new key %+v, previous %+v", nk, prev)
		}
		if prev.Status != "ACTIVE" || prev.ExpiresAt == nil || !prev.ExpiresAt.Equal(overlap) {
			t.Fatalf("the previous key during the overlap: %+v", prev)
		}
		for _, secret := range []string{old.Secret, out.RotateAPIKey.Secret} {
			if st := s.status(secret); st != http.StatusOK {
				t.Fatalf("during the overlap: HTTP %d", st)
			}
		}
		var role struct{ Viewer struct{ Role string } }
		s.integration(out.RotateAPIKey.Secret).must(&role, `{ viewer { role } }`, nil)
		if role.Viewer.Role != "ADMIN" {
			t.Fatalf("the new key's role: %q", role.Viewer.Role)
		}
		// Rotating it again is refused.
		wantField(t, "a second rotation", admin.gql(rotate, map[string]any{"input": map[string]any{"id": old.ID}}), "id")
		time.Sleep(time.Until(overlap))
		if st := s.status(old.Secret); st != http.StatusUnauthorized {
			t.Fatalf("after the overlap the old key: HTTP %d", st)
		}
		if st := s.status(out.RotateAPIKey.Secret); st != http.StatusOK {
			t.Fatalf("after the overlap the new key: HTTP %d", st)
		}
		deadline := time.Now().Add(10 * time.Second)
		for admin.keyByID(old.ID).Status != "REVOKED" {
			if time.Now().After(deadline) {
				t.Fatal("the old key not ended within 10 s of the overlap's end")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := admin.keyByID(old.ID); *got.RevocationReason != "ROTATED" {
			t.Fatalf("the old key's reason: %v", *got.RevocationReason)
		}
		if n := admin.counts(); n.Active != 1 || n.Revoked != 1 {
			t.Fatalf("counters: %+v", n)
		}
		actions := map[string]int{}
		for _, e := range admin.audit(nil) {
			actions[e.Action]++
		}
		if actions["API_KEY_ROTATED"] != 1 || actions["API_KEY_CREATED"] != 1 || actions["API_KEY_EXPIRED"] != 1 {
			t.Fatalf("audit actions: %v", actions)
		}

		// At once: the old key is refused on the next request, reason ROTATED, by the admin.
		admin.must(&out, rotate, map[string]any{"input": map[string]any{"id": nk.ID}})
		if st := s.status(nk.ID); st != http.StatusUnauthorized {
			t.Fatalf("a key rotated at once: HTTP %d", st)
		}
		if p := out.RotateAPIKey.PreviousKey; p.Status != "REVOKED" || *p.RevocationReason != "ROTATED" || *p.RevokedByKind != "USER" {
			t.Fatalf("rotated at once: %+v", p)
		}
		wantField(t, "rotating a revoked key", admin.gql(rotate, map[string]any{"input": map[string]any{"id": nk.ID}}), "id")
		far := time.Now().AddDate(0, 0, 31)
		wantField(t, "an overlap of 31 days", admin.gql(rotate, map[string]any{"input": map[string]any{"id": out.RotateAPIKey.APIKey.ID, "previousKeyExpiresAt": far}}), "previousKeyExpiresAt")
	})
}

// The new key of a rotation keeps the old key's lifetime, within the policy.
func TestRotationKeepsTheLifetime(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		in7 := time.Now().AddDate(0, 0, 7)
		_, k := admin.createExpiring("Weekly", &in7)
		var out rotated
		admin.must(&out, rotate, map[string]any{"input": map[string]any{"id": k.ID}})
		got := out.RotateAPIKey.APIKey.ExpiresAt
		if got == nil || got.Sub(time.Now().AddDate(0, 0, 7)).Abs() > 5*time.Second {
			t.Fatalf("the new key expires at %v, want about 7 days from now", got)
		}
	})
}

// Of two rotations of one key at the same moment exactly one succeeds.
func TestConcurrentRotations(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for round := range 3 {
			k := admin.createKey("Race", "VIEWER")
			var wg sync.WaitGroup
			results := make([]*response, 4)
			for i := range results {
				wg.Go(func() {
					overlap := time.Now().Add(time.Hour)
					vars := map[string]any{"input": map[string]any{"id": k.ID}}
					if i%2 == 0 {
						vars = map[string]any{"input": map[string]any{"id": k.ID, "previousKeyExpiresAt": overlap}}
					}
					results[i] = admin.gql(rotate, vars)
				})
			}
			wg.Wait()
			ok := 0
			for _, r := range results {
				switch {
				case len(r.Errors) == 0:
					ok++
				case r.code() != "BAD_USER_INPUT":
					t.Fatalf("round %d: a losing rotation: %s", round, r.Body)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d rotations succeeded, want 1", round, ok)
			}
		}
		var list struct {
			APIKeys struct{ TotalCount int }
		}
		admin.must(&list, `{ apiKeys(where: {nameContains: "Race"}) { totalCount } }`, nil)
		if list.APIKeys.TotalCount != 6 { // three keys, each rotated once
			t.Fatalf("%d keys named Race, want 6", list.APIKeys.TotalCount)
		}
	})
}

// Renaming renames the service account and its keys; past entries keep the old name.
func TestRename(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		k := admin.createKey("ERP Sync", "VIEWER")
		const rename = `mutation($input: UpdateAPIKeyInput!) { updateAPIKey(input: $input) { apiKey { id name serviceAccount { name } } } }`
		var out struct {
			UpdateAPIKey struct {
				APIKey struct {
					Name           string
					ServiceAccount struct{ Name string }
				}
			}
		}
		admin.must(&out, rename, map[string]any{"input": map[string]any{"id": k.ID, "name": "  Ørsted ERP Sync  "}})
		if got := out.UpdateAPIKey.APIKey; got.Name != "Ørsted ERP Sync" || got.ServiceAccount.Name != "Ørsted ERP Sync" {
			t.Fatalf("renamed: %+v", got)
		}
		if got := admin.keys(map[string]any{"search": "ØRSTED"}).names(); len(got) != 1 {
			t.Fatalf("the search finds %q", got)
		}
		wantField(t, "an empty name", admin.gql(rename, map[string]any{"input": map[string]any{"id": k.ID, "name": "  "}}), "name")
		var created, updated int
		for _, e := range admin.audit(nil) {
			switch e.Action {
			case "API_KEY_CREATED":
				created++
				if e.TargetName != "ERP Sync" {
					t.Fatalf("the create entry now says %q", e.TargetName)
				}
			case "API_KEY_UPDATED":
				updated++
			}
		}
		if created != 1 || updated != 1 {
			t.Fatalf("entries: %d created, %d updated", created, updated)
		}
		var meta struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						Metadata map[string]map[string]string
					}
				}
			}
		}
		admin.must(&meta, `{ auditEntries(where: {action: API_KEY_UPDATED}) { edges { node { metadata } } } }`, nil)
		if m := meta.AuditEntries.Edges[0].Node.Metadata["name"]; m["old"] != "ERP Sync" || m["new"] != "Ørsted ERP Sync" {
			t.Fatalf("metadata: %v", meta.AuditEntries.Edges[0].Node.Metadata)
		}
		// The renamed key's own entries carry its new name (the cache forgot the old).
		if st := s.status(k.Secret); st != http.StatusOK {
			t.Fatal(st)
		}
		viewer := s.integration(k.Secret)
		var v struct{ Viewer struct{ Name string } }
		viewer.must(&v, `{ viewer { name } }`, nil)
		if v.Viewer.Name != "Ørsted ERP Sync" {
			t.Fatalf("the key's viewer name after the rename: %q", v.Viewer.Name)
		}
		// A viewer key may not rename.
		if r := viewer.gql(rename, map[string]any{"input": map[string]any{"id": k.ID, "name": "Mine"}}); r.code() != "FORBIDDEN" {
			t.Fatalf("a VIEWER key renaming: %s", r.Body)
		}
	})
}

// Three instances sweeping the same expired keys end each once: one entry per key,
// counters right.
func TestThreeInstancesSweepEachKeyOnce(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		if !strings.HasPrefix(url, "postgres") {
			t.Skip("SQLite is one instance")
		}
		var instances []*server
		for range 3 {
			instances = append(instances, newServer(t, app.Config{DatabaseURL: url, SweepEvery: time.Hour}))
		}
		admin := instances[0].newTenant("Acme").admin
		expires := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
		const n = 40
		for i := range n {
			if r, _ := admin.createExpiring("Batch "+string(rune('A'+i%26)), &expires); len(r.Errors) > 0 {
				t.Fatal(r.Body)
			}
		}
		time.Sleep(time.Until(expires))
		var wg sync.WaitGroup
		ended := make([]int, 3)
		for i, s := range instances {
			wg.Go(func() {
				for range 3 {
					m, err := s.app.Keys.Sweep(context.Background(), time.Now())
					if err != nil {
						t.Error(err)
					}
					ended[i] += m
				}
			})
		}
		wg.Wait()
		if total := ended[0] + ended[1] + ended[2]; total != n {
			t.Fatalf("sweepers ended %v keys, %d in all, want %d", ended, total, n)
		}
		if c := admin.counts(); c.Active != 0 || c.Revoked != n {
			t.Fatalf("counters: %+v", c)
		}
		if expired := len(admin.audit(map[string]any{"action": "API_KEY_EXPIRED"})); expired != n {
			t.Fatalf("%d expiry entries, want %d", expired, n)
		}
	})
}
