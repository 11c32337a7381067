package keys

import (
	"context"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/schema/pulid"
)

// Event is a change to one key, named by the action of the audit entry that records it.
type Event struct {
	Org    pulid.ID
	Key    pulid.ID
	Action auditentry.Action
}

// Events hears of every change to keys, with the client of the transaction that makes
// it, to tell the live subscribers of every instance once (and only if) it commits
// (server/live).
type Events interface {
	Announce(ctx context.Context, c *ent.Client, events ...Event) error
}

// announce tells l.Events of action done to ks.
func (l *Lifecycle) announce(ctx context.Context, c *ent.Client, action auditentry.Action, ks ...*ent.APIKey) error {
	if l.Events == nil || len(ks) == 0 {
		return nil
	}
	events := make([]Event, len(ks))
	for i, k := range ks {
		events[i] = Event{Org: k.OrganizationID, Key: k.ID, Action: action}
	}
	return l.Events.Announce(ctx, c, events...)
}

// record files the audit entry of action done to k and announces the change.
func (l *Lifecycle) record(ctx context.Context, c *ent.Client, action auditentry.Action, k *ent.APIKey, meta audit.Metadata) error {
	if err := audit.RecordWith(ctx, c, action, target(k), meta); err != nil {
		return err
	}
	return l.announce(ctx, c, action, k)
}
