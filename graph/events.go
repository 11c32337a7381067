package graph

import (
	"context"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/auditentry"
	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// KeyEvents delivers the events of an organization's keys, each loaded once for all
// its subscribers (server/live's Hub), until ctx ends.
type KeyEvents interface {
	Subscribe(ctx context.Context, org pulid.ID) <-chan *APIKeyEvent
}

// eventKinds names the event of each audit action of the key lifecycle.
var eventKinds = map[auditentry.Action]APIKeyEventKind{
	auditentry.ActionAPI_KEY_CREATED:         APIKeyEventKindCreated,
	auditentry.ActionAPI_KEY_REVOKED:         APIKeyEventKindRevoked,
	auditentry.ActionAPI_KEY_REPORTED_LEAKED: APIKeyEventKindRevoked,
	auditentry.ActionAPI_KEY_ROTATED:         APIKeyEventKindRotated,
	auditentry.ActionAPI_KEY_EXPIRED:         APIKeyEventKindExpired,
	auditentry.ActionAPI_KEY_UPDATED:         APIKeyEventKindUpdated,
}

func subscribeKeyEvents(ctx context.Context, events KeyEvents) (<-chan *APIKeyEvent, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, Error(CodeUnauthenticated, "sign in or send an API key")
	}
	if events == nil {
		return nil, Error(CodeInternal, "subscriptions are not served here")
	}
	return events.Subscribe(ctx, v.OrgID), nil
}

// LoadKeyEvent returns what the subscribers of ev's organization receive: the key as
// it is now with the people its fields name, and the tab counters. It reads as that
// organization (the system acting in it): the subscribers are of it, and each reads
// the rest of its selection as itself.
func LoadKeyEvent(c *ent.Client) func(context.Context, keys.Event) (*APIKeyEvent, error) {
	return func(ctx context.Context, ev keys.Event) (*APIKeyEvent, error) {
		ctx = viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.KindSystem, Name: ent.SystemName, OrgID: ev.Org})
		k, err := c.APIKey.Query().Where(apikey.ID(ev.Key)).WithServiceAccount().Only(ctx)
		if err != nil {
			return nil, err
		}
		if err := loadPeople(ctx, c, everyone, k); err != nil {
			return nil, err
		}
		n, err := keys.CountsOf(ctx, c)
		if err != nil {
			return nil, err
		}
		return &APIKeyEvent{Kind: eventKinds[ev.Action], APIKey: k, Counts: &APIKeyCounts{Active: n.Active, Revoked: n.Revoked}}, nil
	}
}
