package app_test

import (
	"fmt"
	"net/http"
	"testing"
)

// The audit trail tells apart keys of one name (each entry shows its key masked) and
// says when a person who acted has been deleted since; a page of entries costs the same
// statements however many keys and people it names.
func TestAuditTrailTellsKeysAndDeletedPeopleApart(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		acme.admin.must(nil, `mutation { createUser(input: {name: "Bob Builder", email: "bob@example.com", password: "bob's long password", role: ADMIN}) { user { id } } }`, nil)
		bob := s.browser()
		if r := bob.login("bob@example.com", "bob's long password"); r.Status != http.StatusOK {
			t.Fatalf("login: %s", r.Body)
		}
		masked := map[string]bool{}
		for range 3 {
			k := bob.createKey("ERP Sync Service", "VIEWER")
			masked["gak_…"+k.Secret[len(k.Secret)-4:]] = true
		}
		var me struct {
			Viewer struct{ User struct{ ID string } }
		}
		bob.must(&me, `{ viewer { user { id } } }`, nil)
		acme.admin.must(nil, `mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": me.Viewer.User.ID})

		const trail = `{ auditEntries(first: 50, where: {actionIn: [API_KEY_CREATED, USER_DELETED]}) { edges { node { action actorName actorDeleted targetName targetMaskedKey } } } }`
		var out struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						Action, ActorName, TargetName string
						ActorDeleted                  bool
						TargetMaskedKey               *string
					}
				}
			}
		}
		acme.admin.must(&out, trail, nil)
		seen := map[string]bool{}
		for _, e := range out.AuditEntries.Edges {
			n := e.Node
			switch n.Action {
			case "API_KEY_CREATED":
				if n.TargetMaskedKey == nil || !masked[*n.TargetMaskedKey] || !n.ActorDeleted || n.ActorName != "Bob Builder" {
					t.Errorf("key entry %+v (masked %v), want one of %v by Bob, deleted", n, n.TargetMaskedKey, masked)
				} else {
					seen[*n.TargetMaskedKey] = true
				}
			case "USER_DELETED":
				if n.TargetMaskedKey != nil || n.ActorDeleted {
					t.Errorf("the deletion entry %+v: its actor is not deleted and it is about no key", n)
				}
			}
		}
		if len(seen) != 3 {
			t.Fatalf("the three keys named alike show %d distinct masked keys: %+v", len(seen), out)
		}

		// A node asks alone, with the same answer.
		var one struct {
			AuditEntries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		acme.admin.must(&one, `{ auditEntries(first: 1, where: {action: API_KEY_CREATED}) { edges { node { id } } } }`, nil)
		var node struct {
			Node struct {
				ActorDeleted    bool
				TargetMaskedKey *string
			}
		}
		acme.admin.must(&node, `query($id: ID!) { node(id: $id) { ... on AuditEntry { actorDeleted targetMaskedKey } } }`, map[string]any{"id": one.AuditEntries.Edges[0].Node.ID})
		if !node.Node.ActorDeleted || node.Node.TargetMaskedKey == nil || !masked[*node.Node.TargetMaskedKey] {
			t.Fatalf("node of a key entry: %+v", node)
		}

		// The page's statements do not grow with its keys and people.
		statements := func() int {
			fewest := -1
			for range 5 {
				before := s.app.DB.Statements()
				acme.admin.must(nil, trail, nil)
				if n := int(s.app.DB.Statements() - before); fewest < 0 || n < fewest {
					fewest = n
				}
			}
			return fewest
		}
		few := statements()
		for i := range 10 {
			acme.admin.createKey(fmt.Sprintf("More %d", i), "VIEWER")
		}
		if many := statements(); many != few {
			t.Fatalf("a page of audit entries took %d statements with 3 keys and %d with 13", few, many)
		}
	})
}
