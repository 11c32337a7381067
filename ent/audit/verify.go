package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golang.org/x/sync/singleflight"

	"apikeys/ent"
	"apikeys/ent/privacy"
	"apikeys/ent/viewer"
)

// Problem is what a verification found first.
type Problem string

// The problems of a trail (AuditVerification.problemKind).
const (
	// Altered: an entry's content no longer gives its hash.
	Altered Problem = "ALTERED"
	// Missing: an entry of the sequence is not there (removed).
	Missing Problem = "MISSING"
	// OutOfOrder: an entry does not follow the one before it (its previous hash is not
	// that entry's hash, or two entries claim one place).
	OutOfOrder Problem = "OUT_OF_ORDER"
)

// Verification is the result of checking a trail's chain.
type Verification struct {
	OK             bool
	EntriesChecked int
	// HeadSequence and HeadHash are the trail's last entry as found (0 and "" for an
	// empty trail); an auditor who keeps them can tell a later rewrite of the whole
	// chain: its entry of that sequence would have another hash.
	HeadSequence int64
	HeadHash     string
	// FirstBroken is the sequence of the first entry found wrong (0 when OK).
	FirstBroken int64
	Problem     Problem
	// Detail says what was found, in a sentence.
	Detail string
}

// Checker checks entries in sequence order, one at a time: Add each, then Result.
type Checker struct {
	v    Verification
	prev string
	done bool
	// Withheld: the entry carries no request details (an export by a service account),
	// so its hash cannot be recomputed; only its order and link are checked.
	Withheld bool
	// AllowGaps: places may be missing (a filtered export); the link of the entry after
	// a gap is not checked. Gaps counts them.
	AllowGaps bool
	Gaps      int
}

// Add checks the next entry; it reports false once the trail is broken (later entries
// are not checked).
func (c *Checker) Add(e *Chained, hash string) bool {
	if c.done {
		return false
	}
	expected := c.v.HeadSequence + 1
	switch {
	case e.Sequence < expected:
		return c.broken(e.Sequence, OutOfOrder, fmt.Sprintf("entry %d appears twice or out of order (after entry %d)", e.Sequence, c.v.HeadSequence))
	case e.Sequence > expected && c.AllowGaps:
		c.Gaps++
		c.prev, expected = e.PreviousHash, e.Sequence
	case e.Sequence > expected:
		if expected == e.Sequence-1 {
			return c.broken(expected, Missing, fmt.Sprintf("entry %d is missing", expected))
		}
		return c.broken(expected, Missing, fmt.Sprintf("entries %d to %d are missing", expected, e.Sequence-1))
	}
	prev := c.prev
	if expected == 1 {
		prev = ZeroHash
	}
	if !c.Withheld {
		got, err := e.Hash()
		if err != nil {
			return c.broken(e.Sequence, Altered, fmt.Sprintf("entry %d was altered: its metadata is not JSON (%v)", e.Sequence, err))
		}
		if got != hash {
			return c.broken(e.Sequence, Altered, fmt.Sprintf("entry %d was altered: its content does not give its hash", e.Sequence))
		}
	}
	if e.PreviousHash != prev {
		return c.broken(e.Sequence, OutOfOrder, fmt.Sprintf("entry %d does not follow entry %d: its previous hash is not that entry's hash", e.Sequence, e.Sequence-1))
	}
	c.v.EntriesChecked++
	c.v.HeadSequence, c.v.HeadHash, c.prev = e.Sequence, hash, hash
	return true
}

func (c *Checker) broken(seq int64, p Problem, detail string) bool {
	c.done = true
	c.v.FirstBroken, c.v.Problem, c.v.Detail = seq, p, detail
	return false
}

// Result is the verification after the last entry; head is the sequence the trail
// should end at (the organization's head; 0: unknown, as in a file).
func (c *Checker) Result(head int64) Verification {
	if !c.done && head > c.v.HeadSequence {
		next := c.v.HeadSequence + 1
		detail := fmt.Sprintf("entry %d, the last of the trail, is missing", next)
		if head > next {
			detail = fmt.Sprintf("entries %d to %d are missing (the end of the trail)", next, head)
		}
		c.broken(next, Missing, detail)
	}
	c.v.OK = !c.done
	return c.v
}

// Columns are the columns of audit_entries that Scan reads, in its order.
const Columns = "organization_id, sequence, id, created_at, action, actor_kind, actor_id, actor_name, " +
	"target_kind, target_id, target_name, metadata, ip, user_agent, previous_hash, hash"

// Scan reads a row of Columns into e and returns the entry's stored hash ("" when not
// chained yet).
func Scan(rows *sql.Rows, e *Chained) (string, error) {
	var seq sql.NullInt64
	var actorID, ip, ua, prev, hash sql.NullString
	var meta []byte
	if err := rows.Scan(&e.OrganizationID, &seq, &e.ID, &e.Time, &e.Action, &e.ActorKind, &actorID, &e.ActorName,
		&e.TargetKind, &e.TargetID, &e.TargetName, &meta, &ip, &ua, &prev, &hash); err != nil {
		return "", err
	}
	e.Sequence, e.ActorID, e.IP, e.UserAgent, e.PreviousHash = seq.Int64, actorID.String, ip.String, ua.String, prev.String
	e.Metadata = meta
	return hash.String, nil
}

// Querier runs a query: a *sql.DB, a *sql.Tx or an Ent client.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Verify checks the chain of an organization's trail, reading its entries in sequence
// order from one query (a cursor: memory does not grow with the trail) and comparing
// the end with the organization's head.
func Verify(ctx context.Context, db Querier, org string) (Verification, error) {
	var head int64
	err := scanOne(ctx, db, &head, "SELECT audit_sequence FROM organizations WHERE id = $1", org)
	if errors.Is(err, sql.ErrNoRows) {
		return Verification{}, fmt.Errorf("audit: no organization %s", org)
	} else if err != nil {
		return Verification{}, err
	}
	// Entries not chained yet (written by an older version during an upgrade, chained
	// at the next start) are left out; one whose sequence was erased shows as missing.
	rows, err := db.QueryContext(ctx, "SELECT "+Columns+" FROM audit_entries WHERE organization_id = $1 AND sequence IS NOT NULL ORDER BY sequence", org)
	if err != nil {
		return Verification{}, err
	}
	defer rows.Close()
	var c Checker
	var e Chained
	for rows.Next() {
		hash, err := Scan(rows, &e)
		if err != nil {
			return Verification{}, err
		}
		if !c.Add(&e, hash) {
			break
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return Verification{}, err
	}
	return c.Result(head), nil
}

// Unchained entries are chained by the migration in creation order; this bounds a batch.
const chainBatch = 500

// ChainOlder gives entries written before the chain (sequence null) their place, hash
// and previous hash, per organization in creation order after the organization's
// chained entries, and moves the organizations' heads. tx must allow updates of
// audit_entries (its triggers off): the migration's. It returns how many it chained.
func ChainOlder(ctx context.Context, tx *sql.Tx) (int, error) {
	total := 0
	for {
		rows, err := tx.QueryContext(ctx, "SELECT "+Columns+" FROM audit_entries WHERE sequence IS NULL ORDER BY organization_id, created_at, id LIMIT $1", chainBatch)
		if err != nil {
			return total, err
		}
		var batch []Chained
		for rows.Next() {
			var e Chained
			if _, err := Scan(rows, &e); err != nil {
				rows.Close()
				return total, err
			}
			batch = append(batch, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		if err := chainBatchOf(ctx, tx, batch); err != nil {
			return total, err
		}
		total += len(batch)
	}
}

func chainBatchOf(ctx context.Context, tx *sql.Tx, batch []Chained) error {
	var org string
	var seq int64
	var prev string
	for i := range batch {
		e := &batch[i]
		if e.OrganizationID != org {
			if org != "" {
				if _, err := tx.ExecContext(ctx, "UPDATE organizations SET audit_sequence = $1 WHERE id = $2", seq, org); err != nil {
					return err
				}
			}
			org = e.OrganizationID
			if err := headOf(ctx, tx, org, &seq, &prev); err != nil {
				return err
			}
		}
		seq++
		e.Sequence, e.PreviousHash = seq, prev
		h, err := e.Hash()
		if err != nil {
			return fmt.Errorf("audit: chaining entry %s: %w", e.ID, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE audit_entries SET sequence = $1, previous_hash = $2, hash = $3 WHERE id = $4", seq, prev, h, e.ID); err != nil {
			return err
		}
		prev = h
	}
	_, err := tx.ExecContext(ctx, "UPDATE organizations SET audit_sequence = $1 WHERE id = $2", seq, org)
	return err
}

// headOf reads the last chained entry of org.
func headOf(ctx context.Context, tx *sql.Tx, org string, seq *int64, hash *string) error {
	err := tx.QueryRowContext(ctx, "SELECT sequence, hash FROM audit_entries WHERE organization_id = $1 AND sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1", org).Scan(seq, hash)
	if errors.Is(err, sql.ErrNoRows) {
		*seq, *hash = 0, ZeroHash
		return nil
	}
	return err
}

// verifying joins the callers who ask to verify one organization's trail while a
// verification of it runs: a million entries take seconds, and ten admins pressing
// "Check again" at once cost one read of the trail, each getting its result.
var verifying singleflight.Group

// VerifyTrail verifies the trail of the viewer's organization, for those who read it:
// admin people and ADMIN keys (whose view of the entries is narrower, but whose
// verification covers the whole chain: it tells counts and hashes, no content).
func VerifyTrail(ctx context.Context, c *ent.Client) (Verification, error) {
	v := viewer.FromContext(ctx)
	if !v.ReadsAuditTrail() {
		return Verification{}, privacy.Denyf("only admins may verify the audit trail")
	}
	ch := verifying.DoChan(string(v.OrgID), func() (any, error) {
		// Not the first caller's context: its going away must not fail the others.
		return Verify(context.WithoutCancel(ctx), c, string(v.OrgID))
	})
	select {
	case <-ctx.Done():
		return Verification{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return Verification{}, r.Err
		}
		return r.Val.(Verification), nil
	}
}
