package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const searchQuery = `query($status: APIKeyStatus, $search: String, $where: APIKeyWhereInput, $orderBy: APIKeyOrder) {
  apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: 100) { totalCount edges { node { name maskedKey } } }
}`

type keyList struct {
	APIKeys struct {
		TotalCount int
		Edges      []struct {
			Node struct{ Name, MaskedKey string }
		}
	}
}

func (l keyList) names() []string {
	var out []string
	for _, e := range l.APIKeys.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

func (c *client) keys(vars map[string]any) keyList {
	c.t.Helper()
	var out keyList
	c.must(&out, searchQuery, vars)
	if out.APIKeys.TotalCount != len(out.APIKeys.Edges) {
		c.t.Fatalf("totalCount %d for %d keys (%v)", out.APIKeys.TotalCount, len(out.APIKeys.Edges), vars)
	}
	return out
}

// Search is case-insensitive in every alphabet, on both databases: SQLite's own lower()
// and LIKE fold ASCII only, so "Ørsted" and "Москва" found nothing there.
func TestSearchFindsNamesInEveryAlphabet(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for _, name := range []string{
			"Ørsted Vindkraft", "ØRSTED Backup", "Blåbærsyltetøj Export",
			"Müller Logistik", "Straße Sync",
			"İstanbul Ödeme", "IĞDIR Şube",
			"Οδυσσεύς Reports", "ΣΟΦΙΑ Backup",
			"Москва Отчёты", "МОСКВА Backup",
			"ERP Sync Service", "Family 👨‍👩‍👧 Sync",
		} {
			admin.createKey(name, "VIEWER")
		}
		for search, want := range map[string][]string{
			"ørsted":          {"ØRSTED Backup", "Ørsted Vindkraft"},
			"ØRSTED":          {"ØRSTED Backup", "Ørsted Vindkraft"},
			"BLÅBÆR":          {"Blåbærsyltetøj Export"},
			"müller":          {"Müller Logistik"},
			"MÜLLER":          {"Müller Logistik"},
			"strasse":         {"Straße Sync"},
			"STRASSE":         {"Straße Sync"},
			"ödeme":           {"İstanbul Ödeme"},
			"İSTANBUL":        {"İstanbul Ödeme"},
			"ığdır":           {"IĞDIR Şube"},
			"şube":            {"IĞDIR Şube"},
			"ΟΔΥΣΣΕΎΣ":        {"Οδυσσεύς Reports"}, // a final sigma matches a capital
			"σοφια":           {"ΣΟΦΙΑ Backup"},
			"москва":          {"Москва Отчёты", "МОСКВА Backup"},
			"ОТЧЁТЫ":          {"Москва Отчёты"},
			"erp sync":        {"ERP Sync Service"},
			"👨‍👩‍👧":           {"Family 👨‍👩‍👧 Sync"},
			"100%":            nil, // LIKE's wildcards are literal
			"nothing like it": nil,
		} {
			got := admin.keys(map[string]any{"search": search}).names()
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("search %q found %q, want %q", search, got, want)
			}
		}
		// The where-inputs' *ContainsFold fold every alphabet too.
		for where, want := range map[string]int{
			`{"nameContainsFold": "ørsted"}`:                              2,
			`{"hasServiceAccountWith": [{"nameContainsFold": "москва"}]}`: 2,
		} {
			var w map[string]any
			mustJSON(t, where, &w)
			if got := admin.keys(map[string]any{"where": w}).APIKeys.TotalCount; got != want {
				t.Errorf("where %s found %d keys, want %d", where, got, want)
			}
		}
	})
}

// A leak report or a log shows a key's end: "gak_…ExxQ" finds that key.
func TestSearchFindsAKeyByItsEnd(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		for range 5 {
			admin.createKey("ERP Sync Service", "VIEWER")
		}
		k := admin.createKey("ERP Sync Service", "VIEWER")
		tail := k.Secret[len(k.Secret)-4:]
		for _, search := range []string{"gak_…" + tail, "…" + tail, "..." + tail, tail} {
			got := admin.keys(map[string]any{"search": search})
			if len(got.APIKeys.Edges) != 1 || got.APIKeys.Edges[0].Node.MaskedKey != "gak_…"+tail {
				t.Errorf("search %q found %+v, want the key ending %s", search, got.APIKeys.Edges, tail)
			}
		}
		// Within a tab, with the tab's count of what it found.
		admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		if got := admin.keys(map[string]any{"search": "…" + tail, "status": "ACTIVE"}); got.APIKeys.TotalCount != 0 {
			t.Errorf("the Active tab found the revoked key: %+v", got)
		}
		if got := admin.keys(map[string]any{"search": "erp", "status": "ACTIVE"}); got.APIKeys.TotalCount != 5 {
			t.Errorf("the Active tab found %d of the 5 active keys named ERP", got.APIKeys.TotalCount)
		}
		if got := admin.keys(map[string]any{"search": "gak_…" + tail, "status": "REVOKED"}); got.APIKeys.TotalCount != 1 {
			t.Errorf("the Revoked tab did not find the revoked key: %+v", got)
		}
	})
}

// Keys sort by name; the Revoked tab lists the latest revocation first.
func TestKeysSortByNameAndRevocation(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		ids := map[string]string{}
		for _, name := range []string{"Charlie", "alpha", "Bravo", "Delta"} {
			ids[name] = admin.createKey(name, "VIEWER").ID
		}
		got := admin.keys(map[string]any{"orderBy": map[string]any{"field": "NAME", "direction": "ASC"}}).names()
		if !slices.IsSortedFunc(got, strings.Compare) || len(got) != 4 {
			t.Fatalf("by name: %q", got)
		}
		const revoke = `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`
		for _, name := range []string{"Bravo", "Delta", "alpha"} { // oldest keys revoked last
			admin.must(nil, revoke, map[string]any{"id": ids[name]})
		}
		if got := admin.keys(map[string]any{"status": "REVOKED"}).names(); !slices.Equal(got, []string{"alpha", "Delta", "Bravo"}) {
			t.Fatalf("the Revoked tab lists %q, want the latest revocation first", got)
		}
		if got := admin.keys(map[string]any{"status": "ACTIVE"}).names(); !slices.Equal(got, []string{"Charlie"}) {
			t.Fatalf("the Active tab lists %q", got)
		}
	})
}

// Sorting by last use pages through every key exactly once, in one order on both
// databases: the most recently used first, keys never used last (and the reverse). The
// databases sort NULL at opposite ends, and a NULL cursor skipped or repeated keys.
func TestKeysSortByLastUseAndPageThroughNeverUsedKeys(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		admin := s.newTenant("Acme").admin
		var all []createdKey
		for _, name := range []string{"Never A", "Used first", "Never B", "Used last", "Never C"} {
			all = append(all, admin.createKey(name, "VIEWER"))
		}
		for _, k := range []createdKey{all[1], all[3]} {
			s.integration(k.Secret).must(nil, `{ viewer { id } }`, nil)
			if err := s.app.Auth.Keys.FlushUsage(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		const page = `query($orderBy: APIKeyOrder, $after: Cursor) {
  apiKeys(status: ACTIVE, orderBy: $orderBy, first: 2, after: $after) {
    edges { node { name } } pageInfo { hasNextPage endCursor } }
}`
		for dir, want := range map[string][]string{
			// Never-used keys among themselves: the default order's tie-break (id, newest first for DESC).
			"DESC": {"Used last", "Used first", "Never C", "Never B", "Never A"},
			"ASC":  {"Never A", "Never B", "Never C", "Used first", "Used last"},
		} {
			var got []string
			vars := map[string]any{"orderBy": map[string]any{"field": "LAST_USED_AT", "direction": dir}}
			for range 10 {
				var out struct {
					APIKeys struct {
						Edges []struct {
							Node struct{ Name string }
						}
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
				admin.must(&out, page, vars)
				for _, e := range out.APIKeys.Edges {
					got = append(got, e.Node.Name)
				}
				if !out.APIKeys.PageInfo.HasNextPage {
					break
				}
				vars["after"] = out.APIKeys.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("LAST_USED_AT %s, two at a time: %q, want %q", dir, got, want)
			}
		}
	})
}

// Keys from before api_keys.name get their service account's name, folded, when the
// schema is migrated.
func TestMigrationNamesOlderKeys(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		admin.createKey("Ørsted Vindkraft", "VIEWER")
		if _, err := s.app.DB.DB.Exec(`UPDATE api_keys SET name = '', name_folded = ''`); err != nil {
			t.Fatal(err)
		}
		if err := s.app.DB.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := admin.keys(map[string]any{"search": "ØRSTED"}).names(); !slices.Equal(got, []string{"Ørsted Vindkraft"}) {
			t.Fatalf("after the migration the search finds %q", got)
		}
	})
}

// Keys from before the lifecycle columns: revoked ones get reason MANUAL, and none
// expires (sorting by expiry puts them last).
func TestMigrationGivesOlderKeysTheirLifecycle(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		revoked := admin.createKey("Revoked before", "VIEWER")
		admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": revoked.ID})
		admin.createKey("Never expires", "VIEWER")
		in7 := time.Now().AddDate(0, 0, 7)
		admin.createExpiring("Expires in a week", &in7)
		if _, err := s.app.DB.DB.Exec(`UPDATE api_keys SET revocation_reason = NULL, expires_order = NULL WHERE expires_at IS NULL`); err != nil {
			t.Fatal(err)
		}
		if err := s.app.DB.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := admin.keyByID(revoked.ID); got.RevocationReason == nil || *got.RevocationReason != "MANUAL" {
			t.Fatalf("after the migration the revoked key's reason is %v", got.RevocationReason)
		}
		got := admin.keys(map[string]any{"status": "ACTIVE", "orderBy": map[string]any{"field": "EXPIRES_AT", "direction": "ASC"}}).names()
		if !slices.Equal(got, []string{"Expires in a week", "Never expires"}) {
			t.Fatalf("by expiry, soonest first: %q", got)
		}
	})
}

// Keys from before api_keys.last_used_order sort by their last use once migrated.
func TestMigrationOrdersOlderKeysByLastUse(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		used := admin.createKey("Used", "VIEWER")
		admin.createKey("Never used", "VIEWER")
		s.integration(used.Secret).must(nil, `{ viewer { id } }`, nil)
		if err := s.app.Auth.Keys.FlushUsage(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.DB.DB.Exec(`UPDATE api_keys SET last_used_order = NULL`); err != nil {
			t.Fatal(err)
		}
		if err := s.app.DB.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := admin.keys(map[string]any{"orderBy": map[string]any{"field": "LAST_USED_AT", "direction": "DESC"}}).names()
		if !slices.Equal(got, []string{"Used", "Never used"}) {
			t.Fatalf("after the migration, by last use: %q", got)
		}
	})
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	r := &response{Status: http.StatusOK}
	r.Data = []byte(s)
	r.decode(t, v)
}
