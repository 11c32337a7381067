package app_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// An admin creates a key, an integration uses it, the admin revokes it, and the
// very next request with it is refused; the audit trail shows both events.
func TestAdminCreatesUsesAndRevokesAKey(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		admin := acme.admin

		if got := admin.counts(); got != (counts{0, 0}) {
			t.Fatalf("counts of a new organization = %+v", got)
		}

		var created struct {
			CreateAPIKey struct {
				Secret string
				APIKey struct {
					ID, Name, MaskedKey, Status, CreatedByName, CreatedAt string
					LastUsedAt                                            *string
					ServiceAccount                                        struct{ ID, Name, Role string }
				}
			}
		}
		r := admin.gql(createKeyMutation, map[string]any{"name": "  ERP Sync Service ", "role": "VIEWER"})
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("create payload Cache-Control = %q, want no-store", cc)
		}
		r.decode(t, &created)
		k := created.CreateAPIKey
		if !regexp.MustCompile(`^gak_[0-9A-Za-z]{36}$`).MatchString(k.Secret) {
			t.Fatalf("secret %q does not have the key format", k.Secret)
		}
		if k.APIKey.Name != "ERP Sync Service" || k.APIKey.ServiceAccount.Name != "ERP Sync Service" {
			t.Errorf("name = %q / %q, want the trimmed name", k.APIKey.Name, k.APIKey.ServiceAccount.Name)
		}
		if want := "gak_…" + k.Secret[36:]; k.APIKey.MaskedKey != want {
			t.Errorf("maskedKey = %q, want %q", k.APIKey.MaskedKey, want)
		}
		if k.APIKey.Status != "ACTIVE" || k.APIKey.CreatedByName != "Acme Admin" || k.APIKey.LastUsedAt != nil {
			t.Errorf("new key = %+v", k.APIKey)
		}
		if !strings.HasPrefix(k.APIKey.ID, "key_") || !strings.HasPrefix(k.APIKey.ServiceAccount.ID, "sa_") {
			t.Errorf("ids %q, %q lack their type prefix", k.APIKey.ID, k.APIKey.ServiceAccount.ID)
		}
		if got := admin.counts(); got != (counts{1, 0}) {
			t.Fatalf("counts after create = %+v", got)
		}

		// The Active tab lists it; nothing ever returns the secret again.
		var list struct {
			APIKeys struct {
				TotalCount int
				Edges      []struct {
					Node struct{ ID, Name, MaskedKey, CreatedByName string }
				}
			}
		}
		r = admin.gql(`{ apiKeys(status: ACTIVE) { totalCount edges { node { id name maskedKey createdByName } } } }`, nil)
		r.decode(t, &list)
		if list.APIKeys.TotalCount != 1 || list.APIKeys.Edges[0].Node.ID != k.APIKey.ID {
			t.Fatalf("active list = %+v", list)
		}
		if strings.Contains(r.Body, k.Secret) || strings.Contains(r.Body, k.Secret[4:34]) {
			t.Fatal("the list returned the secret")
		}

		// The integration calls the API with the key.
		integration := s.integration(k.Secret)
		var me struct {
			Viewer struct{ Kind, Name, Role string }
		}
		integration.must(&me, `{ viewer { kind name role } }`, nil)
		if me.Viewer.Kind != "SERVICE_ACCOUNT" || me.Viewer.Name != "ERP Sync Service" || me.Viewer.Role != "VIEWER" {
			t.Fatalf("viewer of the key = %+v", me.Viewer)
		}
		// Uses are written in batches; write this one now.
		if err := s.app.Auth.Keys.FlushUsage(context.Background()); err != nil {
			t.Fatal(err)
		}
		var used struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ LastUsedAt *time.Time }
				}
			}
		}
		admin.must(&used, `{ apiKeys { edges { node { lastUsedAt } } } }`, nil)
		if lu := used.APIKeys.Edges[0].Node.LastUsedAt; lu == nil || time.Since(*lu) > time.Minute {
			t.Fatalf("lastUsedAt after a use = %v", lu)
		}

		// The admin revokes it; the very next request is refused.
		var revoked struct {
			RevokeAPIKey struct {
				APIKey struct {
					Status, RevokedByName string
					RevokedAt             *time.Time
				}
			}
		}
		admin.must(&revoked, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { status revokedAt revokedByName } } }`,
			map[string]any{"id": k.APIKey.ID})
		if rk := revoked.RevokeAPIKey.APIKey; rk.Status != "REVOKED" || rk.RevokedAt == nil || rk.RevokedByName != "Acme Admin" {
			t.Fatalf("revoked key = %+v", rk)
		}
		expectCode(t, integration.gql(`{ viewer { name } }`, nil), http.StatusUnauthorized, "UNAUTHENTICATED")

		if got := admin.counts(); got != (counts{0, 1}) {
			t.Fatalf("counts after revoke = %+v", got)
		}
		admin.must(&list, `{ apiKeys(status: REVOKED) { totalCount edges { node { id name maskedKey createdByName } } } }`, nil)
		if list.APIKeys.TotalCount != 1 || list.APIKeys.Edges[0].Node.ID != k.APIKey.ID {
			t.Fatalf("revoked list = %+v", list)
		}

		// Revoking again is a clean error that changes nothing.
		r = admin.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.APIKey.ID})
		expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")

		// The audit trail of the page: both events, newest first, with the admin's name.
		entries := admin.audit(keyEvents)
		if len(entries) != 2 {
			t.Fatalf("key events = %+v", entries)
		}
		for i, want := range []string{"API_KEY_REVOKED", "API_KEY_CREATED"} {
			e := entries[i]
			if e.Action != want || e.ActorName != "Acme Admin" || e.ActorKind != "USER" ||
				e.TargetName != "ERP Sync Service" || e.TargetKind != "API_KEY" || e.TargetID != k.APIKey.ID {
				t.Errorf("entry %d = %+v, want %s by Acme Admin", i, e, want)
			}
		}

		// The secret never reached the logs.
		if strings.Contains(s.log.String(), k.Secret) {
			t.Fatal("the secret appears in the server log")
		}
	})
}

func TestAdminServiceAccountManagesKeys(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		robot := s.integration(acme.admin.createKey("Provisioning Robot", "ADMIN").Secret)

		// Many keys: the account that created them is not a one-to-one relation (it was,
		// and the second creation failed on a unique constraint).
		robot.createKey("Made By Robot Earlier", "VIEWER")
		made := robot.createKey("Made By Robot", "VIEWER")
		var list struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ Name, CreatedByName string }
				}
			}
		}
		acme.admin.must(&list, `{ apiKeys { edges { node { name createdByName } } } }`, nil)
		if n := list.APIKeys.Edges[0].Node; n.Name != "Made By Robot" || n.CreatedByName != "Provisioning Robot" {
			t.Fatalf("newest key = %+v, want created by the service account", n)
		}
		robot.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": made.ID})
		entries := acme.admin.audit(keyEvents)
		if entries[0].Action != "API_KEY_REVOKED" || entries[0].ActorKind != "SERVICE_ACCOUNT" || entries[0].ActorName != "Provisioning Robot" {
			t.Fatalf("newest entry = %+v", entries[0])
		}
	})
}

func TestPagination(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for i := range 7 {
			admin.createKey("Integration "+string(rune('A'+i)), "VIEWER")
		}
		var names []string
		var after any
		for page := 0; ; page++ {
			var out struct {
				APIKeys struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct{ Node struct{ Name string } }
				}
			}
			admin.must(&out, `query($after: Cursor) { apiKeys(first: 3, after: $after) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`, map[string]any{"after": after})
			if out.APIKeys.TotalCount != 7 {
				t.Fatalf("totalCount = %d", out.APIKeys.TotalCount)
			}
			for _, e := range out.APIKeys.Edges {
				names = append(names, e.Node.Name)
			}
			if !out.APIKeys.PageInfo.HasNextPage {
				break
			}
			after = out.APIKeys.PageInfo.EndCursor
		}
		want := "Integration G,Integration F,Integration E,Integration D,Integration C,Integration B,Integration A"
		if got := strings.Join(names, ","); got != want {
			t.Fatalf("pages = %s, want newest first %s", got, want)
		}

		var search struct {
			APIKeys struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
		admin.must(&search, `{ apiKeys(where: {hasServiceAccountWith: {nameContainsFold: "integration c"}}) { edges { node { name } } } }`, nil)
		if len(search.APIKeys.Edges) != 1 || search.APIKeys.Edges[0].Node.Name != "Integration C" {
			t.Fatalf("search = %+v", search)
		}

		expectCode(t, admin.gql(`{ apiKeys(first: 101) { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT")
		expectCode(t, admin.gql(`{ auditEntries(last: 1000) { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT")
	})
}
