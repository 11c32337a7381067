package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apikeys/server/app"
	"apikeys/server/testdb"
)

// Names are shown in lists and the audit trail: control characters and characters that
// change the text's direction are refused (U+202E made "gnp.exe" read "exe.png"), while
// every alphabet and emoji sequences are kept.
func TestNamesRefuseHiddenCharacters(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		const createUser = `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`
		for _, name := range []string{"\u202Egnp.exe", "ERP\u2066Sync", "Bell\x07", "Tab\tName", "Null\x00Byte", "Line\nBreak", "Mark\u200F", "\u061CArabic", "C1\u0085x"} {
			r := admin.gql(createKeyMutation, map[string]any{"name": name, "role": "VIEWER"})
			expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
			if r.Errors[0].Extensions["field"] != "name" {
				t.Errorf("key name %q: %s", name, r.Body)
			}
			r = admin.gql(createUser, map[string]any{"in": map[string]any{"name": name, "email": "x@example.com", "password": "long enough password"}})
			expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
			if r.Errors[0].Extensions["field"] != "name" {
				t.Errorf("person's name %q: %s", name, r.Body)
			}
		}
		for _, name := range []string{"Ørsted Vindkraft", "Москва Отчёты", "東京 連携", "مزامنة", "Family 👨‍👩‍👧 Sync", "Flag 🏳️‍🌈"} {
			admin.createKey(name, "VIEWER")
		}
		if strings.Contains(s.log.String(), "level=ERROR") {
			t.Fatalf("refused names logged errors:\n%s", s.log.String())
		}
	})
}

// A user agent is whatever a client sends: it is stored without hidden characters.
func TestUserAgentsAreStoredWithoutHiddenCharacters(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/auth/login", strings.NewReader(`{"email":"`+acme.email+`","password":"`+adminPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Mozilla/5.0 \u202Egnp.exe\u202C (X11)")
		if r := s.browser().do(req); r.Status != http.StatusOK {
			t.Fatalf("login: %s", r.Body)
		}
		var out struct {
			AuditEntries struct {
				Edges []struct{ Node struct{ UserAgent string } }
			}
		}
		acme.admin.must(&out, `{ auditEntries(first: 1, where: {action: USER_SIGNED_IN}) { edges { node { userAgent } } } }`, nil)
		if got := out.AuditEntries.Edges[0].Node.UserAgent; got != "Mozilla/5.0 gnp.exe (X11)" {
			t.Fatalf("stored user agent %q", got)
		}
	})
}

// A new password must not be blank, however long.
func TestBlankPasswordsAreRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		r := admin.gql(`mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`,
			map[string]any{"in": map[string]any{"name": "Blank", "email": "blank@example.com", "password": strings.Repeat(" ", 12)}})
		expectCode(t, r, http.StatusOK, "BAD_USER_INPUT")
		if r.Errors[0].Extensions["field"] != "password" {
			t.Fatalf("12 spaces: %s", r.Body)
		}
	})
}

// The SQLite file holds password and key hashes: only the server's user reads it.
func TestTheSQLiteFileIsPrivate(t *testing.T) {
	url := testdb.SQLite(t)
	s := newServer(t, app.Config{DatabaseURL: url})
	s.newTenant("Acme").admin.createKey("Written", "VIEWER")
	path := strings.TrimPrefix(url, "sqlite:")
	files, _ := filepath.Glob(path + "*")
	for _, f := range files {
		if strings.HasSuffix(f, ".migrate-lock") {
			continue
		}
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", filepath.Base(f), perm)
		}
	}
	if len(files) < 2 {
		t.Fatalf("found only %v", files)
	}
}
