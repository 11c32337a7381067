package app_test

import (
	"net/http"
	"strings"
	"testing"
)

// The audit trail holds people's sign-ins with their addresses and browsers: ADMIN
// people read all of it; ADMIN keys its key events, without addresses; members and
// VIEWER keys none of it, by any query.
func TestOnlyAdminsReadTheAuditTrail(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		acme.admin.must(nil, `mutation { createUser(input: {name: "Mia Member", email: "mia@example.com", password: "member password 1"}) { user { id } } }`, nil)
		member := s.browser()
		if r := member.login("mia@example.com", "member password 1"); r.Status != http.StatusOK {
			t.Fatalf("member login: %s", r.Body)
		}
		viewerKey := s.integration(acme.admin.createKey("Reporting Dashboard", "VIEWER").Secret)
		adminKey := s.integration(acme.admin.createKey("ERP Sync Service", "ADMIN").Secret)

		const trail = `{ auditEntries(first: 100) { edges { node { id action targetKind ip userAgent } } } }`
		type entries struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						ID, Action, TargetKind string
						IP, UserAgent          *string
					}
				}
			}
		}
		var all entries
		acme.admin.must(&all, trail, nil)
		var anEntryID, signInID string
		sawAddress := false
		for _, e := range all.AuditEntries.Edges {
			anEntryID = e.Node.ID
			if e.Node.Action == "USER_SIGNED_IN" {
				signInID = e.Node.ID
				sawAddress = e.Node.IP != nil && *e.Node.IP == "127.0.0.1" && e.Node.UserAgent != nil
			}
		}
		if !sawAddress {
			t.Fatalf("an admin does not see where people signed in from: %+v", all)
		}

		for name, c := range map[string]*client{"a member": member, "a VIEWER key": viewerKey} {
			expectCode(t, c.gql(trail, nil), http.StatusOK, "FORBIDDEN")
			for _, id := range []string{anEntryID, "aud_01ARZ3NDEKTSV4RRFFQ69G5FAV"} {
				r := c.gql(`query($id: ID!) { node(id: $id) { id ... on AuditEntry { action ip } } }`, map[string]any{"id": id})
				expectCode(t, r, http.StatusOK, "FORBIDDEN")
			}
			if strings.Contains(c.gql(trail, nil).Body, "127.0.0.1") {
				t.Fatalf("%s read an address", name)
			}
		}

		var keyEventsOnly entries
		adminKey.must(&keyEventsOnly, trail, nil)
		if len(keyEventsOnly.AuditEntries.Edges) != 2 { // the two keys created
			t.Fatalf("an ADMIN key read %d entries, want the 2 key events: %+v", len(keyEventsOnly.AuditEntries.Edges), keyEventsOnly)
		}
		for _, e := range keyEventsOnly.AuditEntries.Edges {
			if e.Node.TargetKind != "API_KEY" || e.Node.IP != nil || e.Node.UserAgent != nil {
				t.Fatalf("an ADMIN key read %+v", e.Node)
			}
		}
		r := adminKey.gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": signInID})
		expectCode(t, r, http.StatusOK, "NOT_FOUND")
	})
}
