package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Nothing of organization B reaches organization A, whether A asks as its admin or
// with one of its keys: by id, by node, by filter, by count, by revoking.
func TestTenantsSeeNothingOfEachOther(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		a := s.newTenant("Alpha")
		b := s.newTenant("Beta")
		bKey := b.admin.createKey("Beta Secret Integration", "ADMIN")
		bRevoked := b.admin.createKey("Beta Old Integration", "VIEWER")
		b.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": bRevoked.ID})
		var bUsers struct {
			Users struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.admin.must(&bUsers, `{ users { edges { node { id } } } }`, nil)
		bUserID := bUsers.Users.Edges[0].Node.ID
		var bSA struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ ServiceAccount struct{ ID string } }
				}
			}
		}
		b.admin.must(&bSA, `{ apiKeys(status: ACTIVE) { edges { node { serviceAccount { id } } } } }`, nil)

		aKey := a.admin.createKey("Alpha Integration", "ADMIN")
		callers := map[string]*client{"alpha admin": a.admin, "alpha admin key": s.integration(aKey.Secret)}
		bIDs := []string{bKey.ID, bRevoked.ID, bUserID, bSA.APIKeys.Edges[0].Node.ServiceAccount.ID, string(b.org.ID)}

		for who, c := range callers {
			t.Logf("as %s", who)
			func() {
				if got := c.counts(); got != (counts{1, 0}) {
					t.Errorf("counts = %+v, want only Alpha's key", got)
				}
				for _, id := range bIDs {
					r := c.gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
					// NOT_FOUND; or FORBIDDEN for people, which only admins may read by id.
					if r.code() != "NOT_FOUND" && r.code() != "FORBIDDEN" || strings.Contains(r.Body, `"node":{`) {
						t.Errorf("node(%s) = %s, want NOT_FOUND", id, r.Body)
					}
					r = c.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{id}})
					if r.code() != "NOT_FOUND" && r.code() != "FORBIDDEN" || strings.Contains(r.Body, id+`"}`) {
						t.Errorf("nodes([%s]) = %s, want NOT_FOUND", id, r.Body)
					}
				}
				// A's node of its own key works, to show the query above could succeed.
				var own struct{ Node struct{ ID string } }
				c.must(&own, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": aKey.ID})

				var list struct {
					APIKeys struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
				for _, where := range []map[string]any{
					{"id": bKey.ID},
					{"idIn": []string{bKey.ID, bRevoked.ID}},
					{"hasServiceAccountWith": map[string]any{"nameContains": "Beta"}},
					{"or": []any{map[string]any{"status": "ACTIVE"}, map[string]any{"status": "REVOKED"}}},
				} {
					c.must(&list, `query($where: APIKeyWhereInput) { apiKeys(where: $where) { totalCount edges { node { id } } } }`, map[string]any{"where": where})
					for _, e := range list.APIKeys.Edges {
						if e.Node.ID != aKey.ID {
							t.Errorf("apiKeys(where: %v) returned %s of Beta", where, e.Node.ID)
						}
					}
				}
				for _, st := range []string{"ACTIVE", "REVOKED"} {
					c.must(&list, `query($s: APIKeyStatus) { apiKeys(status: $s) { totalCount } }`, map[string]any{"s": st})
					if want := map[string]int{"ACTIVE": 1, "REVOKED": 0}[st]; list.APIKeys.TotalCount != want {
						t.Errorf("%s totalCount = %d, want %d", st, list.APIKeys.TotalCount, want)
					}
				}

				r := c.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": bKey.ID})
				expectCode(t, r, http.StatusOK, "NOT_FOUND")
				// The same answer as for an id that exists nowhere.
				r2 := c.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": "key_01JZZZZZZZZZZZZZZZZZZZZZZZ"})
				if r.Errors[0].Message != r2.Errors[0].Message {
					t.Errorf("revoking Beta's key says %q, an unknown id %q", r.Errors[0].Message, r2.Errors[0].Message)
				}

				for _, e := range c.audit(nil) {
					if strings.Contains(e.TargetName, "Beta") || strings.Contains(e.ActorName, "Beta") {
						t.Errorf("audit shows Beta's entry %+v", e)
					}
				}
				var audit struct{ AuditEntries struct{ TotalCount int } }
				c.must(&audit, `query($id: ID!) { auditEntries(where: {targetID: $id}) { totalCount } }`, map[string]any{"id": bKey.ID})
				if audit.AuditEntries.TotalCount != 0 {
					t.Errorf("audit entries about Beta's key: %d", audit.AuditEntries.TotalCount)
				}

				var viewer struct {
					Viewer struct{ Organization struct{ Name string } }
				}
				c.must(&viewer, `{ viewer { organization { name } } }`, nil)
				if viewer.Viewer.Organization.Name != "Alpha" {
					t.Errorf("viewer organization = %q", viewer.Viewer.Organization.Name)
				}
			}()
		}

		// Alpha's admin cannot delete Beta's people either.
		r := a.admin.gql(`mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": bUserID})
		expectCode(t, r, http.StatusOK, "NOT_FOUND")

		// And Beta's key still works, its counts unchanged.
		var me struct{ Viewer struct{ Name string } }
		s.integration(bKey.Secret).must(&me, `{ viewer { name } }`, nil)
		if got := b.admin.counts(); got != (counts{1, 1}) {
			t.Fatalf("Beta's counts = %+v", got)
		}
	})
}

// Answers written at the same moment are each their own: the buffers a response's data
// is written into are used again (graph.ReleaseData), so two tenants asking at once,
// for pages of different sizes, must each get exactly their own keys.
func TestAnswersAtTheSameMomentAreEachTheirOwn(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tenants := []*tenant{s.newTenant("Alpha"), s.newTenant("Beta")}
		for i, tn := range tenants {
			for k := range 10 + 25*i {
				tn.admin.createKey(fmt.Sprintf("%s integration %d %s", tn.org.Name, k, strings.Repeat("é", 10*i)), "VIEWER")
			}
		}
		const page = `{ apiKeys(status: ACTIVE, first: 50) { edges { node { name createdByName } } } viewer { name } }`
		var wg sync.WaitGroup
		for g := range 8 {
			tn := tenants[g%2]
			want := 10 + 25*(g%2)
			wg.Go(func() {
				for range 25 {
					var out struct {
						APIKeys struct {
							Edges []struct {
								Node struct{ Name, CreatedByName string }
							}
						}
						Viewer struct{ Name string }
					}
					r := tn.admin.gql(page, nil)
					if err := json.Unmarshal(r.Data, &out); err != nil || len(r.Errors) > 0 {
						t.Errorf("%s: HTTP %d %s", tn.org.Name, r.Status, r.Body)
						return
					}
					if len(out.APIKeys.Edges) != want || out.Viewer.Name != tn.org.Name+" Admin" {
						t.Errorf("%s got %d keys and viewer %q: %s", tn.org.Name, len(out.APIKeys.Edges), out.Viewer.Name, r.Body)
						return
					}
					for _, e := range out.APIKeys.Edges {
						if !strings.HasPrefix(e.Node.Name, tn.org.Name+" integration") || e.Node.CreatedByName != tn.org.Name+" Admin" {
							t.Errorf("%s got %q by %q", tn.org.Name, e.Node.Name, e.Node.CreatedByName)
							return
						}
					}
				}
			})
		}
		wg.Wait()
	})
}
