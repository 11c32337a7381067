package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"apikeys/ent/audit"
	"apikeys/server/app"
)

type verification struct {
	OK                  bool `json:"ok"`
	EntriesChecked      int
	HeadSequence        int
	HeadHash            *string
	FirstBrokenSequence *int
	ProblemKind         *string
	Problem             *string
}

const verifyQuery = `{ verifyAuditTrail { ok entriesChecked headSequence headHash firstBrokenSequence problemKind problem } }`

func (c *client) verify() verification {
	c.t.Helper()
	var out struct{ VerifyAuditTrail verification }
	c.must(&out, verifyQuery, nil)
	return out.VerifyAuditTrail
}

type chainedEntry struct {
	ID, Action, CreatedAt, Hash, PreviousHash string
	Sequence                                  int
}

// chain is the organization's trail in sequence order, read through the API.
func (c *client) chain() []chainedEntry {
	c.t.Helper()
	var all []chainedEntry
	var after any
	for {
		var out struct {
			AuditEntries struct {
				Edges    []struct{ Node chainedEntry }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		c.must(&out, `query($after: Cursor) { auditEntries(first: 100, after: $after) {
  edges { node { id action createdAt sequence hash previousHash } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
		for _, e := range out.AuditEntries.Edges {
			all = append(all, e.Node)
		}
		if !out.AuditEntries.PageInfo.HasNextPage {
			break
		}
		after = out.AuditEntries.PageInfo.EndCursor
	}
	byseq := make([]chainedEntry, len(all))
	for _, e := range all {
		if e.Sequence < 1 || e.Sequence > len(all) || byseq[e.Sequence-1].ID != "" {
			c.t.Fatalf("sequence %d among %d entries", e.Sequence, len(all))
		}
		byseq[e.Sequence-1] = e
	}
	return byseq
}

func expectSound(t *testing.T, v verification, entries int) {
	t.Helper()
	if !v.OK || v.EntriesChecked != entries || v.HeadSequence != entries || v.HeadHash == nil || v.FirstBrokenSequence != nil || v.Problem != nil {
		t.Fatalf("verification = %+v, want a sound trail of %d entries", v, entries)
	}
}

func expectBroken(t *testing.T, v verification, seq int, kind string) {
	t.Helper()
	if v.OK || v.FirstBrokenSequence == nil || *v.FirstBrokenSequence != seq || v.ProblemKind == nil || *v.ProblemKind != kind || v.Problem == nil {
		t.Fatalf("verification = %+v, want %s at entry %d", v, kind, seq)
	}
	t.Logf("found: %s", *v.Problem)
}

// Changes made at once in one organization all succeed, chained in one order: 1, 2, 3,
// … without gaps, each entry's previous hash its predecessor's hash; the trail of
// several thousand entries verifies, for admin people and ADMIN keys, not for VIEWER
// keys, and so does its export (longer than the export's batches), offline;
// organizations have their own chains.
func TestConcurrentChangesAreChainedInOneOrder(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme, globex := s.newTenant("Acme"), s.newTenant("Globex")
		keys := make([]createdKey, 16)
		for i := range keys {
			keys[i] = acme.admin.createKey(fmt.Sprintf("Worker %d", i), "VIEWER")
		}
		const renames = 200
		var wg sync.WaitGroup
		for _, k := range keys {
			wg.Go(func() {
				for i := range renames {
					acme.admin.must(nil, `mutation($id: ID!, $name: String!) { updateAPIKey(input: {id: $id, name: $name}) { apiKey { id } } }`,
						map[string]any{"id": k.ID, "name": fmt.Sprintf("%s, take %d", k.Name, i)})
				}
			})
		}
		wg.Wait()
		chain := acme.admin.chain()
		// Organization and admin created, a sign-in, 16 keys created, 3,200 renames.
		if want := 3 + len(keys) + len(keys)*renames; len(chain) != want {
			t.Fatalf("%d entries, want %d", len(chain), want)
		}
		prev := audit.ZeroHash
		for _, e := range chain {
			if e.PreviousHash != prev || len(e.Hash) != 64 {
				t.Fatalf("entry %d: previous %s, want %s (hash %q)", e.Sequence, e.PreviousHash, prev, e.Hash)
			}
			prev = e.Hash
		}
		expectSound(t, acme.admin.verify(), len(chain))
		if *acme.admin.verify().HeadHash != prev {
			t.Fatal("the head hash is not the last entry's")
		}
		// Ten at once (one read of the trail, joined): each gets the whole answer.
		var vg sync.WaitGroup
		for range 10 {
			vg.Go(func() {
				if v := acme.admin.verify(); !v.OK || v.EntriesChecked != len(chain) {
					t.Errorf("a verification among ten: %+v", v)
				}
			})
		}
		vg.Wait()

		lines := acme.admin.exportLines("")
		if len(lines) != len(chain)+1 {
			t.Fatalf("the export has %d lines, want %d", len(lines), len(chain)+1)
		}
		for i, l := range lines[:len(chain)] {
			if l.Sequence != int64(i+1) || l.Hash != chain[i].Hash {
				t.Fatalf("line %d: sequence %d hash %s, want %+v", i+1, l.Sequence, l.Hash, chain[i])
			}
		}
		if v, err := audit.VerifyFile(strings.NewReader(linesText(lines))); err != nil || !v.OK || v.EntriesChecked != len(lines) {
			t.Fatalf("the export verifies: %+v %v", v, err)
		}

		adminKey := s.integration(acme.admin.createKey("Auditor", "ADMIN").Secret)
		expectSound(t, adminKey.verify(), len(chain)+2) // the export, the key
		viewerKey := s.integration(acme.admin.createKey("Reader", "VIEWER").Secret)
		expectCode(t, viewerKey.gql(verifyQuery, nil), http.StatusOK, "FORBIDDEN")

		// Globex's own chain starts at 1.
		g := globex.admin.chain()
		if len(g) != 3 || g[0].PreviousHash != audit.ZeroHash {
			t.Fatalf("Globex's chain: %+v", g)
		}
		expectSound(t, globex.admin.verify(), 3)
	})
}

// tamper runs statements as a superuser would: with the append-only triggers off.
func (s *server) tamper(t *testing.T, stmts ...string) {
	t.Helper()
	db := s.app.DB.DB
	off, on := []string{"ALTER TABLE audit_entries DISABLE TRIGGER USER"}, []string{"ALTER TABLE audit_entries ENABLE TRIGGER USER"}
	if s.app.DB.Dialect == "sqlite3" || s.app.DB.Dialect == "sqlite" {
		off, on = []string{"DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete"}, nil
	}
	for _, stmt := range append(append(off, stmts...), on...) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if on == nil {
		if err := s.app.DB.Migrate(context.Background()); err != nil { // makes the triggers again
			t.Fatal(err)
		}
	}
}

// What someone with the database in hand could do to the trail is found, at the right
// entry: an entry's metadata altered, an entry deleted, two entries' times swapped, the
// last entry deleted, an entry moved to another place.
func TestTamperingWithTheTrailIsFound(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cases := []struct {
			name, kind string
			broken     int
			stmts      func(e []chainedEntry) []string
		}{
			{"metadata altered", "ALTERED", 6, func(e []chainedEntry) []string {
				return []string{fmt.Sprintf(`UPDATE audit_entries SET metadata = '{"name":{"old":"Payroll","new":"Forged"}}' WHERE id = '%s'`, e[5].ID)}
			}},
			{"entry deleted", "MISSING", 5, func(e []chainedEntry) []string {
				return []string{fmt.Sprintf(`DELETE FROM audit_entries WHERE id = '%s'`, e[4].ID)}
			}},
			{"times swapped", "ALTERED", 4, func(e []chainedEntry) []string { return nil }},
			{"last entry deleted", "MISSING", 8, func(e []chainedEntry) []string {
				return []string{fmt.Sprintf(`DELETE FROM audit_entries WHERE id = '%s'`, e[7].ID)}
			}},
			{"actor renamed", "ALTERED", 2, func(e []chainedEntry) []string {
				return []string{fmt.Sprintf(`UPDATE audit_entries SET actor_name = 'Someone Else' WHERE id = '%s'`, e[1].ID)}
			}},
			{"entries moved", "OUT_OF_ORDER", 3, func(e []chainedEntry) []string {
				// Entry 3 deleted and entry 4's place taken by 5, its hash recomputed by
				// a careful forger: the link to entry 2 is what no longer holds.
				return []string{
					fmt.Sprintf(`DELETE FROM audit_entries WHERE id = '%s'`, e[2].ID),
				}
			}},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				tn := s.newTenant(fmt.Sprintf("Tampered %d", i))
				a := tn.admin.createKey("Payroll", "VIEWER")
				tn.admin.must(nil, `mutation($id: ID!) { updateAPIKey(input: {id: $id, name: "Payroll export"}) { apiKey { id } } }`, map[string]any{"id": a.ID})
				tn.admin.must(nil, `mutation($id: ID!) { updateAPIKey(input: {id: $id, name: "Payroll"}) { apiKey { id } } }`, map[string]any{"id": a.ID})
				tn.admin.createKey("Billing", "VIEWER")
				tn.admin.createKey("Warehouse", "ADMIN")
				before := tn.admin.chain()
				if len(before) != 8 {
					t.Fatalf("%d entries", len(before))
				}
				expectSound(t, tn.admin.verify(), 8)
				stmts := c.stmts(before)
				switch c.name {
				case "entries moved":
					stmts = append(stmts, s.forgeMove(t, before))
				case "times swapped":
					stmts = s.swapTimes(t, before[3].ID, before[6].ID)
				}
				s.tamper(t, stmts...)
				expectBroken(t, tn.admin.verify(), c.broken, c.kind)
			})
		}
	})
}

// swapTimes returns the statements that swap two entries' times.
func (s *server) swapTimes(t *testing.T, a, b string) []string {
	t.Helper()
	var ta, tb string
	for id, dst := range map[string]*string{a: &ta, b: &tb} {
		if err := s.app.DB.DB.QueryRow("SELECT CAST(created_at AS TEXT) FROM audit_entries WHERE id = $1", id).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	return []string{
		fmt.Sprintf(`UPDATE audit_entries SET created_at = '%s' WHERE id = '%s'`, tb, a),
		fmt.Sprintf(`UPDATE audit_entries SET created_at = '%s' WHERE id = '%s'`, ta, b),
	}
}

// forgeMove gives entry 4 sequence 3 and a hash recomputed over its content with the
// new sequence, as a forger who knows the encoding would: the link is what gives it
// away (its previous hash is entry 3's, which is gone).
func (s *server) forgeMove(t *testing.T, e []chainedEntry) string {
	t.Helper()
	rows, err := s.app.DB.DB.Query("SELECT "+audit.Columns+" FROM audit_entries WHERE id = $1", e[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal("entry 4 not found")
	}
	var ch audit.Chained
	if _, err := audit.Scan(rows, &ch); err != nil {
		t.Fatal(err)
	}
	ch.Sequence = 3
	h, err := ch.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`UPDATE audit_entries SET sequence = 3, hash = '%s' WHERE id = '%s'`, h, ch.ID)
}

// Entries written before the chain are chained by the migration in creation order,
// after which the trail verifies and new entries go on from its head.
func TestOlderEntriesAreChainedByTheMigration(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		tn := s.newTenant("Initech")
		for i := range 5 {
			tn.admin.createKey(fmt.Sprintf("Legacy %d", i), "VIEWER")
		}
		before := tn.admin.chain()
		s.tamper(t, "UPDATE audit_entries SET sequence = NULL, previous_hash = NULL, hash = NULL",
			"UPDATE organizations SET audit_sequence = 0")

		again := newServer(t, app.Config{DatabaseURL: url})
		admin := again.newTenantClient(tn.admin)
		after := admin.chain()
		if len(after) != len(before) {
			t.Fatalf("%d entries chained, want %d", len(after), len(before))
		}
		for i := range after {
			if after[i].ID != before[i].ID || after[i].Hash != before[i].Hash {
				t.Fatalf("entry %d: %+v, want %+v (the chain the migration makes is the one written)", i+1, after[i], before[i])
			}
		}
		expectSound(t, admin.verify(), len(before))
		admin.createKey("New", "VIEWER")
		expectSound(t, admin.verify(), len(before)+1)
	})
}
