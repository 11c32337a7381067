package app_test

import (
	"fmt"
	"testing"
)

// A page of keys costs a fixed number of statements, however many keys it shows and
// whoever created or revoked them: the session's person (1), the tab's counter (1), the
// page (1), the service accounts it names (1) and the people it names (1), these two
// only when the page shows names, and the first only when a service account created or
// revoked one of its keys. No N+1, no edge queried for nothing. Counted by the server's apikeys_db_statements_total (Ent's driver), as the
// fewest over a few tries, since background work (re-checks of revocations) also counts.
func TestAPIKeyPagesCostFixedStatements(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		tn := s.newTenant("Acme")
		robot := tn.admin.createKey("robot", "ADMIN")
		bot := s.integration(robot.Secret)
		const page = `query($status: APIKeyStatus!) { apiKeys(status: $status, first: 50) { totalCount pageInfo { hasNextPage endCursor }
			edges { node { id name maskedKey status createdAt createdByName lastUsedAt revokedAt revokedByName } } } }`
		// The admin app asks with fragments (next to its components): the same cost.
		const fragments = `query($status: APIKeyStatus!) { apiKeys(status: $status, first: 50) { totalCount edges { node { ...Row } } } }
			fragment Row on APIKey { id ... on Node { id } ... on APIKey { name createdByName revokedByName } }`
		// A page that shows no names needs no people: three statements.
		const ids = `query($status: APIKeyStatus!) { apiKeys(status: $status, first: 50) { totalCount edges { node { id maskedKey } } } }`
		statements := func(query, status string) int {
			t.Helper()
			fewest := -1
			for range 5 {
				before := s.app.DB.Statements()
				tn.admin.must(nil, query, map[string]any{"status": status})
				if n := int(s.app.DB.Statements() - before); fewest < 0 || n < fewest {
					fewest = n
				}
			}
			return fewest
		}
		// The Active tab names people only (the robot's keys are all revoked, by the
		// admin or by the robot): four; the Revoked tab names the robot too: five.
		cost := func(status string, keys int) {
			t.Helper()
			want := map[string]int{"ACTIVE": 4, "REVOKED": 5}[status]
			if n := statements(page, status); n != want {
				t.Errorf("a page of %d %s keys took %d statements, want %d", keys, status, n, want)
			}
			if n := statements(fragments, status); n != want {
				t.Errorf("a page of %d %s keys asked with fragments took %d statements, want %d", keys, status, n, want)
			}
			if n := statements(ids, status); n != 3 {
				t.Errorf("a page of %d %s keys' ids took %d statements, want 3", keys, status, n)
			}
		}
		grow := func(n int) {
			for i := range n {
				k := bot.createKey(fmt.Sprintf("by robot %d", i), "VIEWER") // created by a service account
				if i%2 == 0 {
					tn.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
				} else {
					bot.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
				}
				tn.admin.createKey(fmt.Sprintf("by admin %d", i), "VIEWER")
			}
		}
		defer func() {
			if t.Failed() {
				t.Log(s.log.String())
			}
		}()
		grow(2)
		cost("ACTIVE", 3)
		cost("REVOKED", 2)
		grow(20)
		cost("ACTIVE", 23)
		cost("REVOKED", 22)
	})
}
