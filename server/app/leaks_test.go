package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"apikeys/ent/keys"
	"apikeys/server/app"
)

// Issue 11: POST /credentials/revoke revokes the active keys among those reported, in
// every organization and on every instance, and tells the reporter nothing.
func TestLeakReportsRevokeTheActiveKeys(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		a := newServer(t, app.Config{DatabaseURL: url})
		b := a
		if strings.HasPrefix(url, "postgres") {
			b = newServer(t, app.Config{DatabaseURL: url}) // a second instance
		}
		acme, globex := a.newTenant("Acme").admin, a.newTenant("Globex").admin
		leaked := acme.createKey("Leaked ERP", "VIEWER")
		leakedToo := globex.createKey("Leaked Globex", "ADMIN")
		kept := acme.createKey("Kept", "VIEWER")
		revoked := acme.createKey("Revoked before", "VIEWER")
		acme.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": revoked.ID})
		unknown, _ := keys.Generate()
		for _, k := range []createdKey{leaked, leakedToo, kept} { // cached on both instances
			for _, s := range []*server{a, b} {
				if st := s.status(k.Secret); st != http.StatusOK {
					t.Fatalf("before the report: HTTP %d", st)
				}
			}
		}
		before := []counts{acme.counts(), globex.counts()}
		reporter := a.from("127.0.0.5")
		body, _ := json.Marshal(map[string]any{"credentials": []string{leaked.Secret, revoked.Secret, unknown, "gak_not-a-key", leakedToo.Secret, leaked.Secret}})
		r := reporter.postFrom("/credentials/revoke", "", "", string(body), "")
		if r.Status != http.StatusAccepted || strings.TrimSpace(r.Body) != "{}" {
			t.Fatalf("report: HTTP %d %s", r.Status, r.Body)
		}
		// Refused at once on every instance; the unreported key works on.
		for _, s := range []*server{a, b} {
			deadline := time.Now().Add(time.Second)
			for _, k := range []createdKey{leaked, leakedToo} {
				for s.status(k.Secret) != http.StatusUnauthorized {
					if time.Now().After(deadline) {
						t.Fatal("a leaked key still works after a second")
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			if st := s.status(kept.Secret); st != http.StatusOK {
				t.Fatalf("the key not reported: HTTP %d", st)
			}
		}
		got := acme.keyByID(leaked.ID)
		if got.Status != "REVOKED" || *got.RevocationReason != "LEAKED" || *got.RevokedByName != "Leak report" || *got.RevokedByKind != "SYSTEM" {
			t.Fatalf("the leaked key: %+v", got)
		}
		if c := acme.counts(); c.Active != before[0].Active-1 || c.Revoked != before[0].Revoked+1 {
			t.Fatalf("Acme's counters %+v, were %+v", c, before[0])
		}
		if c := globex.counts(); c.Active != before[1].Active-1 || c.Revoked != before[1].Revoked+1 {
			t.Fatalf("Globex's counters %+v, were %+v", c, before[1])
		}
		var out struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						ActorName, ActorKind, TargetName string
						Metadata                         map[string]any
					}
				}
			}
		}
		acme.must(&out, `{ auditEntries(where: {action: API_KEY_REPORTED_LEAKED}) { edges { node { actorName actorKind targetName metadata } } } }`, nil)
		if n := len(out.AuditEntries.Edges); n != 1 {
			t.Fatalf("%d leak entries in Acme, want 1", n)
		}
		e := out.AuditEntries.Edges[0].Node
		if e.ActorName != "Leak report" || e.ActorKind != "SYSTEM" || e.TargetName != "Leaked ERP" || e.Metadata["reporterAddress"] != "127.0.0.5" {
			t.Fatalf("the leak entry: %+v", e)
		}

		// Malformed reports: 400 with a JSON error, nothing done.
		for _, bad := range []string{`not json`, `{"credentials": []}`, `{"credentials": "gak_x"}`, `{"keys": ["gak_x"]}`,
			`{"credentials": [` + strings.Repeat(`"gak_x",`, keys.MaxLeakReport) + `"gak_x"]}`} {
			r := reporter.postFrom("/credentials/revoke", "", "", bad, "")
			expectCode(t, r, http.StatusBadRequest, "BAD_USER_INPUT")
		}
	})
}

// Leak reports are limited per address: 60 an hour, then 429 with Retry-After; another
// address is not affected.
func TestLeakReportsAreLimitedPerAddress(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		unknown, _ := keys.Generate()
		body := `{"credentials": ["` + unknown + `"]}`
		reporter := s.from("127.0.0.6")
		for i := range 60 {
			if r := reporter.postFrom("/credentials/revoke", "", "", body, ""); r.Status != http.StatusAccepted {
				t.Fatalf("report %d: HTTP %d %s", i+1, r.Status, r.Body)
			}
		}
		expectRateLimited(t, reporter.postFrom("/credentials/revoke", "", "", body, ""))
		if r := s.from("127.0.0.7").postFrom("/credentials/revoke", "", "", body, ""); r.Status != http.StatusAccepted {
			t.Fatalf("another address: HTTP %d %s", r.Status, r.Body)
		}
	})
}
