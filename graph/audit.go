package graph

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
)

// requestDetail is an entry's address or user agent for admin people, and null for
// anyone else (admin keys read key events, not where people were).
func requestDetail(ctx context.Context, s string) *string {
	if s == "" || !viewer.FromContext(ctx).IsAdminUser() {
		return nil
	}
	return &s
}

// auditDetails is what entries show beyond their own row: the masked key of a key event
// and whether a person actor was deleted since. A page of entries loads them for all
// its rows in two queries (loadAuditDetails); an entry found another way (node) asks
// alone.
type auditDetails struct {
	mu            sync.Mutex
	maskedKeys    map[pulid.ID]string // by key id
	deletedActors map[pulid.ID]bool   // by person id, for the people looked up
}

type auditDetailsKey struct{}

// WithAuditDetails gives an operation its store of audit details (gqlgen's
// AroundOperations): the connection's resolver fills it, the entries' fields read it.
func WithAuditDetails(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, auditDetailsKey{}, &auditDetails{})) // maps made when filled
}

func detailsOf(ctx context.Context) *auditDetails {
	d, _ := ctx.Value(auditDetailsKey{}).(*auditDetails)
	if d == nil { // outside the handler (tests of the resolvers alone)
		d = &auditDetails{}
	}
	return d
}

// loadAuditDetails loads the details that the selection asks of a page of entries.
func loadAuditDetails(ctx context.Context, c *ent.Client, entries []*ent.AuditEntry) error {
	fields, ok := nodeFields(ctx, "AuditEntry")
	if !ok {
		return nil // each entry asks alone
	}
	keyIDs, personIDs := map[pulid.ID]struct{}{}, map[pulid.ID]struct{}{}
	for _, e := range entries {
		if fields["targetMaskedKey"] && e.TargetKind == auditentry.TargetKindAPI_KEY {
			keyIDs[e.TargetID] = struct{}{}
		}
		if fields["actorDeleted"] && e.ActorKind == auditentry.ActorKindUSER && e.ActorID != nil {
			personIDs[*e.ActorID] = struct{}{}
		}
	}
	d := detailsOf(ctx)
	if len(keyIDs) > 0 {
		ks, err := c.APIKey.Query().Where(apikey.IDIn(slices.Collect(maps.Keys(keyIDs))...)).
			Select(apikey.FieldID, apikey.FieldPrefix, apikey.FieldLastFour).All(ctx)
		if err != nil {
			return err
		}
		d.mu.Lock()
		if d.maskedKeys == nil {
			d.maskedKeys = make(map[pulid.ID]string, len(ks))
		}
		for _, k := range ks {
			d.maskedKeys[k.ID] = k.MaskedKey()
		}
		d.mu.Unlock()
	}
	if len(personIDs) > 0 {
		deleted, err := c.User.Query().Where(user.IDIn(slices.Collect(maps.Keys(personIDs))...), user.DeletedAtNotNil()).IDs(ctx)
		if err != nil {
			return err
		}
		d.mu.Lock()
		if d.deletedActors == nil {
			d.deletedActors = make(map[pulid.ID]bool, len(personIDs))
		}
		for id := range personIDs {
			d.deletedActors[id] = false
		}
		for _, id := range deleted {
			d.deletedActors[id] = true
		}
		d.mu.Unlock()
	}
	return nil
}

// targetMaskedKey is the masked key of an entry about a key, or nil.
func targetMaskedKey(ctx context.Context, c *ent.Client, e *ent.AuditEntry) (*string, error) {
	if e.TargetKind != auditentry.TargetKindAPI_KEY {
		return nil, nil
	}
	d := detailsOf(ctx)
	d.mu.Lock()
	masked, ok := d.maskedKeys[e.TargetID]
	d.mu.Unlock()
	if !ok {
		k, err := c.APIKey.Query().Where(apikey.ID(e.TargetID)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		masked = k.MaskedKey()
	}
	return &masked, nil
}

// actorDeleted says whether an entry's actor is a person deleted since.
func actorDeleted(ctx context.Context, c *ent.Client, e *ent.AuditEntry) (bool, error) {
	if e.ActorKind != auditentry.ActorKindUSER || e.ActorID == nil {
		return false, nil
	}
	d := detailsOf(ctx)
	d.mu.Lock()
	deleted, ok := d.deletedActors[*e.ActorID]
	d.mu.Unlock()
	if ok {
		return deleted, nil
	}
	return c.User.Query().Where(user.ID(*e.ActorID), user.DeletedAtNotNil()).Exist(ctx)
}

// verification is what verifyAuditTrail answers of v.
func verification(v audit.Verification, err error) (*AuditVerification, error) {
	if err != nil {
		return nil, err
	}
	out := &AuditVerification{Ok: v.OK, EntriesChecked: v.EntriesChecked, HeadSequence: int(v.HeadSequence)}
	if v.HeadHash != "" {
		out.HeadHash = &v.HeadHash
	}
	if !v.OK {
		seq, kind := int(v.FirstBroken), AuditProblem(v.Problem)
		out.FirstBrokenSequence, out.ProblemKind, out.Problem = &seq, &kind, &v.Detail
	}
	return out, nil
}
