// Package audit writes the audit trail. Every change calls Record with the client of
// the transaction that makes the change, so the entry commits or rolls back with it.
package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"apikeys/ent"
	"apikeys/ent/auditentry"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// Request describes the HTTP request behind a change.
type Request struct {
	IP        string
	UserAgent string
}

type requestKey struct{}

// WithRequest returns a copy of ctx that carries r, for the entries recorded in it.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request ctx carries, if any.
func RequestFrom(ctx context.Context) (Request, bool) {
	r, ok := ctx.Value(requestKey{}).(Request)
	return r, ok
}

// Target is what an entry is about.
type Target struct {
	Kind auditentry.TargetKind
	ID   pulid.ID
	Name string
}

// Metadata is what an entry says beyond actor and target (AuditEntry.metadata): old and
// new values, a rotation's new key, an ending's reason. Keys are camelCase.
type Metadata = map[string]any

// Change is the metadata of one changed value: {"old": …, "new": …}.
func Change(old, new any) map[string]any { return map[string]any{"old": old, "new": new} }

// Record appends an entry for action on target, made by the viewer of ctx, to the
// viewer's organization. c must be the client of the transaction that makes the change.
func Record(ctx context.Context, c *ent.Client, action auditentry.Action, target Target) error {
	return RecordAt(ctx, c, time.Time{}, action, target)
}

// RecordWith is Record with metadata.
func RecordWith(ctx context.Context, c *ent.Client, action auditentry.Action, target Target, metadata Metadata) error {
	return record(ctx, c, time.Time{}, action, target, metadata)
}

// RecordAt is Record for an event of a known moment, written later (zero: now).
func RecordAt(ctx context.Context, c *ent.Client, at time.Time, action auditentry.Action, target Target) error {
	return record(ctx, c, at, action, target, nil)
}

// RecordAtWith is RecordAt with metadata.
func RecordAtWith(ctx context.Context, c *ent.Client, at time.Time, action auditentry.Action, target Target, metadata Metadata) error {
	return record(ctx, c, at, action, target, metadata)
}

func record(ctx context.Context, c *ent.Client, at time.Time, action auditentry.Action, target Target, metadata Metadata) error {
	return RecordAll(ctx, c, action, []Event{{At: at, Target: target, Metadata: metadata}})
}

// Event is one of the entries of RecordAll.
type Event struct {
	At       time.Time // zero: now
	Target   Target
	Metadata Metadata
}

// RecordAll appends one entry of action per event, by the viewer of ctx, chained after
// the organization's last entry: the head moved, the previous hash read, and the entries
// written in one INSERT (the expiry sweeper's batches). c must be the client of the
// transaction that makes the change.
func RecordAll(ctx context.Context, c *ent.Client, action auditentry.Action, events []Event) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		return errors.New("audit: no viewer to record as the actor")
	}
	if len(events) == 0 {
		return nil
	}
	prev, first, err := extendChain(ctx, c, v.OrgID, len(events))
	if err != nil {
		return err
	}
	creates := make([]*ent.AuditEntryCreate, len(events))
	for i, e := range events {
		ch := entry(ctx, v, e, action)
		ch.Sequence, ch.PreviousHash = first+int64(i), prev
		if ch.Metadata, err = metadataJSON(e.Metadata); err != nil {
			return err
		}
		if prev, err = ch.Hash(); err != nil {
			return err
		}
		create := c.AuditEntry.Create().
			SetID(pulid.ID(ch.ID)).
			SetOrganizationID(v.OrgID).
			SetCreatedAt(ch.Time).
			SetAction(action).
			SetActorKind(auditentry.ActorKind(ch.ActorKind)).
			SetActorName(ch.ActorName).
			SetTargetKind(e.Target.Kind).
			SetTargetID(e.Target.ID).
			SetTargetName(e.Target.Name).
			SetSequence(ch.Sequence).
			SetPreviousHash(ch.PreviousHash).
			SetHash(prev)
		if ch.ActorID != "" {
			create.SetActorID(pulid.ID(ch.ActorID))
		}
		if len(e.Metadata) > 0 {
			create.SetMetadata(e.Metadata)
		}
		if _, ok := ctx.Value(requestKey{}).(Request); ok {
			create.SetIP(ch.IP).SetUserAgent(ch.UserAgent)
		}
		creates[i] = create
	}
	return c.AuditEntry.CreateBulk(creates...).Exec(ctx)
}

// extendChain takes n places at the end of org's chain: it moves the organization's
// head (which locks its row until the transaction ends: one organization's entries are
// chained one after another) and returns the hash of the entry before the first place,
// and that place's sequence. c must be the client of a transaction.
func extendChain(ctx context.Context, c *ent.Client, org pulid.ID, n int) (prev string, first int64, err error) {
	var last int64
	if err := scanOne(ctx, c, &last, "UPDATE organizations SET audit_sequence = audit_sequence + $1 WHERE id = $2 RETURNING audit_sequence", n, string(org)); err != nil {
		return "", 0, fmt.Errorf("audit: extending the chain of %s: %w", org, err)
	}
	first = last - int64(n) + 1
	if first == 1 {
		return ZeroHash, first, nil
	}
	// Read after the lock was taken: a new statement sees what the previous holder
	// committed (PostgreSQL's read committed takes a snapshot per statement).
	err = scanOne(ctx, c, &prev, "SELECT hash FROM audit_entries WHERE organization_id = $1 AND sequence = $2", string(org), first-1)
	if errors.Is(err, sql.ErrNoRows) {
		// The previous entry was removed behind the program's back: the trail goes on
		// (a change must not fail for it) and verification names the missing entry.
		return ZeroHash, first, nil
	}
	return prev, first, err
}

// scanOne reads the one value of a query's first row; sql.ErrNoRows when it has none.
func scanOne(ctx context.Context, c Querier, dst any, query string, args ...any) error {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dst); err != nil {
		return err
	}
	return rows.Close()
}

// entry is what the chain covers of an event by v (metadata, sequence and previous
// hash are the caller's).
func entry(ctx context.Context, v *viewer.Viewer, e Event, action auditentry.Action) Chained {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	ch := Chained{
		OrganizationID: string(v.OrgID),
		ID:             string(pulid.New("aud")),
		Time:           ChainTime(at),
		Action:         string(action),
		ActorName:      v.Name,
		TargetKind:     string(e.Target.Kind),
		TargetID:       string(e.Target.ID),
		TargetName:     e.Target.Name,
	}
	switch v.Kind {
	case viewer.KindAnonymous:
		ch.ActorKind, ch.ActorName = string(auditentry.ActorKindANONYMOUS), "Anonymous"
	case viewer.KindServiceAccount:
		ch.ActorKind, ch.ActorID = string(auditentry.ActorKindSERVICE_ACCOUNT), string(v.ID)
	case viewer.KindUser:
		ch.ActorKind, ch.ActorID = string(auditentry.ActorKindUSER), string(v.ID)
	default:
		ch.ActorKind = string(auditentry.ActorKindSYSTEM)
	}
	if r, ok := ctx.Value(requestKey{}).(Request); ok {
		// The user agent is whatever the client sent: the app shows it, so it is kept
		// without control and direction-changing characters.
		ch.IP, ch.UserAgent = schema.ClientText(r.IP, 64), schema.ClientText(r.UserAgent, 512)
	}
	return ch
}

// InTx runs f in a transaction of client and commits when f returns nil: a change and
// its audit entries commit together or not at all.
func InTx(ctx context.Context, client *ent.Client, f func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// AfterCommit runs f once the transaction of ctx (ent.NewTxContext) has committed, and
// never if it does not; at once when ctx carries none.
func AfterCommit(ctx context.Context, f func()) {
	tx := ent.TxFromContext(ctx)
	if tx == nil {
		f()
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			if err == nil {
				f()
			}
			return err
		})
	})
}
