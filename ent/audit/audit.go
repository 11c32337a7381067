// Package audit writes the audit trail. Every change calls Record with the client of
// the transaction that makes the change, so the entry commits or rolls back with it.
package audit

import (
	"context"
	"errors"
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
	create, err := entry(ctx, c, Event{At: at, Target: target, Metadata: metadata}, action)
	if err != nil {
		return err
	}
	return create.Exec(ctx)
}

// Event is one of the entries of RecordAll.
type Event struct {
	At       time.Time // zero: now
	Target   Target
	Metadata Metadata
}

// RecordAll appends one entry of action per event, by the viewer of ctx, in one
// statement (the expiry sweeper's batches).
func RecordAll(ctx context.Context, c *ent.Client, action auditentry.Action, events []Event) error {
	creates := make([]*ent.AuditEntryCreate, len(events))
	for i, e := range events {
		create, err := entry(ctx, c, e, action)
		if err != nil {
			return err
		}
		creates[i] = create
	}
	return c.AuditEntry.CreateBulk(creates...).Exec(ctx)
}

func entry(ctx context.Context, c *ent.Client, e Event, action auditentry.Action) (*ent.AuditEntryCreate, error) {
	at, target, metadata := e.At, e.Target, e.Metadata
	create := c.AuditEntry.Create().
		SetAction(action).
		SetTargetKind(target.Kind).
		SetTargetID(target.ID).
		SetTargetName(target.Name)
	if len(metadata) > 0 {
		create.SetMetadata(metadata)
	}
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, errors.New("audit: no viewer to record as the actor")
	}
	create.SetOrganizationID(v.OrgID).SetActorName(v.Name)
	switch v.Kind {
	case viewer.KindAnonymous:
		create.SetActorKind(auditentry.ActorKindANONYMOUS).SetActorName("Anonymous")
	case viewer.KindServiceAccount:
		create.SetActorKind(auditentry.ActorKindSERVICE_ACCOUNT).SetActorID(v.ID)
	case viewer.KindUser:
		create.SetActorKind(auditentry.ActorKindUSER).SetActorID(v.ID)
	default:
		create.SetActorKind(auditentry.ActorKindSYSTEM)
	}
	if !at.IsZero() {
		create.SetCreatedAt(at)
	}
	if r, ok := ctx.Value(requestKey{}).(Request); ok {
		// The user agent is whatever the client sent: the app shows it, so it is kept
		// without control and direction-changing characters.
		create.SetIP(schema.ClientText(r.IP, 64)).SetUserAgent(schema.ClientText(r.UserAgent, 512))
	}
	return create, nil
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
