package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"apikeys/ent/apikey"
	"apikeys/ent/people"
	"apikeys/ent/privacy"
	"apikeys/server/app"
)

// Bad input gets a clear error naming the field, and leaves no row and no audit entry.
func TestBadInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		admin := acme.admin
		before := len(admin.audit(nil))
		for _, name := range []string{"", "   ", strings.Repeat("x", 101), "\u00a0"} {
			r := admin.gql(createKeyMutation, map[string]any{"name": name, "role": "VIEWER"})
			expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
			if f := r.Errors[0].Extensions["field"]; f != "name" || strings.Contains(r.Errors[0].Message, "ent:") {
				t.Errorf("name %q: field = %v, message %q", name, f, r.Errors[0].Message)
			}
		}
		expectCode(t, admin.gql(createKeyMutation, map[string]any{"name": "x", "role": "OWNER"}), http.StatusOK, "GRAPHQL_VALIDATION_FAILED") // application/json: 200 (GraphQL over HTTP)
		admin.createKey(strings.Repeat("é", 100), "VIEWER")                                                                                   // 100 characters is fine

		createUser := `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id email } } }`
		for field, in := range map[string]map[string]any{
			"email":    {"name": "Bad Email", "email": "not-an-email", "password": "long enough password"},
			"password": {"name": "Short Password", "email": "short@example.com", "password": "short"},
			"name":     {"name": " ", "email": "noname@example.com", "password": "long enough password"},
		} {
			r := admin.gql(createUser, map[string]any{"in": in})
			expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
			if f := r.Errors[0].Extensions["field"]; f != field {
				t.Errorf("createUser %v: field = %v (%q), want %s", in, f, r.Errors[0].Message, field)
			}
		}
		// Emails are unique in a company whatever their case; another company may have
		// an account with the same email (sign-in asks which one).
		r := admin.gql(createUser, map[string]any{"in": map[string]any{"name": "Dup", "email": strings.ToUpper(acme.email), "password": "long enough password"}})
		expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
		other := s.newTenant("Other")
		other.admin.must(nil, createUser, map[string]any{"in": map[string]any{"name": "Dup", "email": acme.email, "password": "long enough password"}})

		if got := admin.counts(); got != (counts{1, 0}) {
			t.Fatalf("counts = %+v, want only the valid key", got)
		}
		if after := len(admin.audit(nil)); after != before+1 {
			t.Fatalf("%d new audit entries, want 1 (the valid key)", after-before)
		}
		for _, e := range admin.audit(nil) {
			if strings.Contains(e.TargetName, "Bad") || strings.Contains(e.TargetName, "Short") || e.TargetName == "Dup" {
				t.Errorf("failed change left an entry %+v", e)
			}
		}
		// Internal errors say nothing of the database.
		r = admin.gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "key_" + strings.Repeat("Z", 26)})
		expectCode(t, r, http.StatusOK, "NOT_FOUND")
	})
}

// Deleting a person keeps the history: their keys show "Deleted user", their session
// and password stop working at once.
func TestDeletedUser(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		var made struct {
			CreateUser struct{ User struct{ ID, Email string } }
		}
		acme.admin.must(&made, `mutation { createUser(input: {name: "Dana Departing", email: "Dana@Example.com", password: "dana's password", role: ADMIN}) { user { id email } } }`, nil)
		if made.CreateUser.User.Email != "dana@example.com" {
			t.Fatalf("email stored as %q", made.CreateUser.User.Email)
		}
		dana := s.browser()
		if r := dana.login("dana@example.com", "dana's password"); r.Status != http.StatusOK {
			t.Fatalf("login: %s", r.Body)
		}
		k := dana.createKey("Dana's Integration", "VIEWER")
		dana.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})

		var del struct {
			DeleteUser struct{ DeletedUserID string }
		}
		acme.admin.must(&del, `mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": made.CreateUser.User.ID})
		if del.DeleteUser.DeletedUserID != made.CreateUser.User.ID {
			t.Fatalf("deletedUserId = %q", del.DeleteUser.DeletedUserID)
		}

		expectCode(t, dana.gql(`{ viewer { name } }`, nil), http.StatusUnauthorized, "UNAUTHENTICATED")
		expectCode(t, s.browser().login("dana@example.com", "dana's password"), http.StatusUnauthorized, "UNAUTHENTICATED")

		var list struct {
			APIKeys struct {
				Edges []struct {
					Node struct{ CreatedByName, RevokedByName string }
				}
			}
		}
		acme.admin.must(&list, `{ apiKeys(status: REVOKED) { edges { node { createdByName revokedByName } } } }`, nil)
		if n := list.APIKeys.Edges[0].Node; n.CreatedByName != "Deleted user" || n.RevokedByName != "Deleted user" {
			t.Fatalf("key of a deleted user = %+v", n)
		}
		var users struct {
			Users struct {
				TotalCount int
				Edges      []struct{ Node struct{ Name string } }
			}
		}
		acme.admin.must(&users, `{ users { totalCount edges { node { name } } } }`, nil)
		if users.Users.TotalCount != 1 || users.Users.Edges[0].Node.Name != "Acme Admin" {
			t.Fatalf("users = %+v", users)
		}
		// The audit trail keeps the name as it was.
		entries := acme.admin.audit(keyEvents)
		if entries[0].ActorName != "Dana Departing" {
			t.Fatalf("audit actor = %q, want the name at the time", entries[0].ActorName)
		}
		if e := acme.admin.audit(map[string]any{"action": "USER_DELETED"}); len(e) != 1 || e[0].TargetName != "Dana Departing" {
			t.Fatalf("USER_DELETED entries = %+v", e)
		}

		// Deleting again, or deleting yourself, is refused; the email is free again.
		expectCode(t, acme.admin.gql(`mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": made.CreateUser.User.ID}), http.StatusOK, "NOT_FOUND")
		var me struct {
			Viewer struct{ User struct{ ID string } }
		}
		acme.admin.must(&me, `{ viewer { user { id } } }`, nil)
		expectCode(t, acme.admin.gql(`mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": me.Viewer.User.ID}), http.StatusOK, "BAD_USER_INPUT")
		acme.admin.must(nil, `mutation { createUser(input: {name: "Dana Returns", email: "dana@example.com", password: "dana's new password"}) { user { id } } }`, nil)
	})
}

func TestSetupWithTheOneTimeLink(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		link := s.app.SetupURL(s.srv.URL)
		if !strings.Contains(link, "/setup?token=") {
			t.Fatalf("setup link = %q", link)
		}
		token := link[strings.Index(link, "token=")+6:]
		setup := func(c *client, token string) *response {
			return c.post("/auth/setup", map[string]any{
				"token": token, "organizationName": "First Company", "name": "First Admin",
				"email": "first@example.com", "password": "first admin password",
			})
		}
		expectCode(t, setup(s.browser(), "wrong"+token), http.StatusForbidden, "FORBIDDEN")
		// A bad company name is reported on its own field, in plain words.
		r := s.browser().post("/auth/setup", map[string]any{
			"token": token, "organizationName": "  ", "name": "First Admin",
			"email": "first@example.com", "password": "first admin password",
		})
		expectCode(t, r, http.StatusBadRequest, "BAD_USER_INPUT")
		if r.Errors[0].Extensions["field"] != "organizationName" || r.Errors[0].Message != "name must not be empty" {
			t.Fatalf("bad company name: %s", r.Body)
		}
		c := s.browser()
		if r := setup(c, token); r.Status != http.StatusOK {
			t.Fatalf("setup: HTTP %d %s", r.Status, r.Body)
		}
		var me struct {
			Viewer struct {
				Name         string
				Organization struct{ Name string }
			}
		}
		c.must(&me, `{ viewer { name organization { name } } }`, nil)
		if me.Viewer.Name != "First Admin" || me.Viewer.Organization.Name != "First Company" {
			t.Fatalf("after setup, viewer = %+v", me.Viewer)
		}
		expectCode(t, setup(s.browser(), token), http.StatusForbidden, "FORBIDDEN")
		if s.app.SetupURL(s.srv.URL) != "" {
			t.Fatal("the setup link still works after use")
		}
		entries := c.audit(nil)
		if len(entries) != 2 || entries[1].Action != "ORGANIZATION_CREATED" || entries[1].ActorName != "First Admin" {
			t.Fatalf("setup entries = %+v", entries)
		}

		// A restarted server on a set-up database offers no setup link.
		again := newServer(t, app.Config{DatabaseURL: url})
		if again.app.SetupURL(again.srv.URL) != "" {
			t.Fatal("a set-up database offers a setup link")
		}
	})
}

func TestBootstrapOrganizationFromTheEnvironment(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		boot := people.NewOrganization{Name: "Boot Co", AdminEmail: "boot@example.com", AdminPassword: "bootstrap password"}
		s := newServer(t, app.Config{DatabaseURL: url, Bootstrap: boot})
		if s.app.SetupURL(s.srv.URL) != "" {
			t.Fatal("a bootstrapped server offers a setup link")
		}
		c := s.browser()
		if r := c.login("boot@example.com", "bootstrap password"); r.Status != http.StatusOK {
			t.Fatalf("login: %s", r.Body)
		}
		entries := c.audit(nil)
		if len(entries) != 3 || entries[2].Action != "ORGANIZATION_CREATED" || entries[2].ActorKind != "SYSTEM" {
			t.Fatalf("bootstrap entries = %+v", entries)
		}
		// Starting again with the same settings creates nothing more.
		s2 := newServer(t, app.Config{DatabaseURL: url, Bootstrap: boot})
		n, err := s2.app.DB.Client.Organization.Query().Count(privacy.DecisionContext(context.Background(), privacy.Allow))
		if err != nil || n != 1 {
			t.Fatalf("%d organizations (%v), want 1", n, err)
		}
	})
}

// lastUsedAt is written in batches, at most once a minute per key, never per request.
func TestLastUsedAtIsWrittenAtMostOnceAMinute(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, LastUsedFlush: time.Hour})
		admin := s.newTenant("Acme").admin
		k := admin.createKey("Busy", "VIEWER")
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		lastUsed := func(s *server) *time.Time {
			row, err := s.app.DB.Client.APIKey.Query().Where(apikey.ID(pulidOf(k.ID))).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return row.LastUsedAt
		}
		c := s.integration(k.Secret)
		c.must(nil, `{ viewer { name } }`, nil)
		if lu := lastUsed(s); lu != nil {
			t.Fatalf("lastUsedAt written by the request itself (%v), not by the batch", lu)
		}
		if err := s.app.Auth.Keys.FlushUsage(ctx); err != nil {
			t.Fatal(err)
		}
		first := lastUsed(s)
		if first == nil || time.Since(*first) > 10*time.Second {
			t.Fatalf("lastUsedAt after the batch = %v", first)
		}
		for range 5 {
			c.must(nil, `{ viewer { name } }`, nil)
		}
		if err := s.app.Auth.Keys.FlushUsage(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(s); !got.Equal(*first) {
			t.Fatalf("lastUsedAt moved from %v to %v within a minute", first, got)
		}

		// Another instance (fresh memory) whose database says the last use was two
		// minutes ago records the next use, by its periodic batch.
		old := time.Now().UTC().Add(-2 * time.Minute)
		if err := s.app.DB.Client.APIKey.Update().Where(apikey.ID(pulidOf(k.ID))).SetLastUsedAt(old).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		s2 := newServer(t, app.Config{DatabaseURL: url, LastUsedFlush: 20 * time.Millisecond})
		s2.integration(k.Secret).must(nil, `{ viewer { name } }`, nil)
		deadline := time.Now().Add(5 * time.Second)
		for lu := lastUsed(s2); lu == nil || time.Since(*lu) > 10*time.Second; lu = lastUsed(s2) {
			if time.Now().After(deadline) {
				t.Fatalf("lastUsedAt = %v 5 s after a use, want now", lu)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// A flush writes many keys' uses in a few statements (500 keys each), and only ever
// moves lastUsedAt forward: a newer use written by another instance stays.
func TestKeyUsesAreWrittenInBatches(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		// The sweeper (every 2 s by default) would add its statement to the count now
		// and then (it did in one CI run): it waits an hour here.
		s := newServer(t, app.Config{DatabaseURL: url, LastUsedFlush: time.Hour, SweepEvery: time.Hour})
		admin := s.newTenant("Acme").admin
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		var created []createdKey
		for i := range 510 {
			created = append(created, admin.createKey(fmt.Sprintf("Integration %d", i), "VIEWER"))
		}
		later := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
		if err := s.app.DB.Client.APIKey.Update().Where(apikey.ID(pulidOf(created[0].ID))).SetLastUsedAt(later).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		before := time.Now().UTC().Add(-time.Second)
		for _, k := range created {
			s.integration(k.Secret).must(nil, `{ viewer { name } }`, nil)
		}
		statements, start := s.app.DB.Statements(), time.Now()
		if err := s.app.Auth.Keys.FlushUsage(ctx); err != nil {
			t.Fatal(err)
		}
		// BEGIN and COMMIT are not Ent statements: per 500 keys a SELECT of their recent
		// clients and an UPDATE (500 + 10 keys), and the background re-check of
		// revocations (every 500 ms) as many times as it ran meanwhile.
		rechecks := 1 + int(time.Since(start)/(500*time.Millisecond))
		if n := s.app.DB.Statements() - statements; n < 4 || n > 4+uint64(rechecks) {
			t.Errorf("the flush of 510 uses took %d statements, want 4", n)
		}
		for i, k := range created {
			row, err := s.app.DB.Client.APIKey.Query().Where(apikey.ID(pulidOf(k.ID))).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := "a time of the requests"
			ok := row.LastUsedAt != nil && row.LastUsedAt.After(before) && row.LastUsedAt.Before(time.Now().Add(time.Second))
			if i == 0 {
				want, ok = "the newer use already stored", row.LastUsedAt != nil && row.LastUsedAt.Equal(later)
			}
			if !ok {
				t.Fatalf("key %d: lastUsedAt = %v, want %s", i, row.LastUsedAt, want)
			}
		}
	})
}

// Two admins deleting each other at the same moment: one deletion wins, the other
// admin finds itself deleted; the company always keeps an admin.
func TestAdminsDeletingEachOtherLeaveOneAdmin(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		const deleteUser = `mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`
		boss := acme.admin
		for round := range 5 {
			type admin struct {
				id string
				c  *client
			}
			var pair [2]admin
			for i := range pair {
				var made struct {
					CreateUser struct{ User struct{ ID string } }
				}
				email := fmt.Sprintf("admin-%d-%d@example.com", round, i)
				boss.must(&made, `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`,
					map[string]any{"in": map[string]any{"name": "Rival", "email": email, "password": "a rival's password", "role": "ADMIN"}})
				c := s.browser()
				if r := c.login(email, "a rival's password"); r.Status != http.StatusOK {
					t.Fatalf("login: %s", r.Body)
				}
				pair[i] = admin{made.CreateUser.User.ID, c}
			}
			// The admin who added them leaves: the rivals are the company's only admins.
			var me struct {
				Viewer struct{ User struct{ ID string } }
			}
			boss.must(&me, `{ viewer { user { id } } }`, nil)
			pair[0].c.must(nil, deleteUser, map[string]any{"id": me.Viewer.User.ID})
			var wg sync.WaitGroup
			results := make([]*response, 2)
			for i := range pair {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = pair[i].c.gql(deleteUser, map[string]any{"id": pair[1-i].id})
				}()
			}
			wg.Wait()
			won := 0
			for i, r := range results {
				switch {
				case r.Status == http.StatusOK && len(r.Errors) == 0:
					won++
					boss = pair[i].c
				case r.Status == http.StatusUnauthorized, r.code() == "FORBIDDEN":
					// the loser: deleted before (its session ended) or while it acted
				default:
					t.Fatalf("round %d: unexpected answer HTTP %d %s", round, r.Status, r.Body)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d deletions succeeded, want exactly 1: %s / %s", round, won, results[0].Body, results[1].Body)
			}
			var n int
			if err := s.app.DB.DB.QueryRow(`SELECT count(*) FROM users WHERE organization_id = $1 AND role = 'ADMIN' AND deleted_at IS NULL`, string(acme.org.ID)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < 1 {
				t.Fatalf("round %d: the company has no admin left", round)
			}
		}
	})
}
