package keys

import (
	"context"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
	"apikeys/ent/problem"
	"apikeys/ent/schema"
	"apikeys/ent/viewer"
)

// Policy is an organization's rules for new keys and rotations; existing keys are never
// changed by it. A maximum lifetime implies an expiry: a key without one would outlive it.
type Policy struct {
	MaxLifetimeDays *int // nil: up to 5 years
	RequireExpiry   bool
}

// DefaultLifetime is the lifetime of a rotated key that had none where the policy
// requires one without a maximum (GitHub's default for new tokens).
const DefaultLifetime = 30 * 24 * time.Hour

// PolicyOf returns org's key policy.
func PolicyOf(org *ent.Organization) Policy {
	return Policy{MaxLifetimeDays: org.KeyMaxLifetimeDays, RequireExpiry: org.KeyRequireExpiry}
}

// fit returns the expiry a rotated key gets: at (the old key's lifetime from now, or
// nil), shortened to the maximum lifetime, or given one where the policy requires it.
func (p Policy) fit(now time.Time, at *time.Time) *time.Time {
	limit := MaxLifetime
	if p.MaxLifetimeDays != nil {
		limit = time.Duration(*p.MaxLifetimeDays) * 24 * time.Hour
	}
	switch {
	case at == nil && p.MaxLifetimeDays != nil:
		at = new(now.Add(limit))
	case at == nil && p.RequireExpiry:
		at = new(now.Add(min(DefaultLifetime, limit)))
	case at != nil && at.After(now.Add(limit)):
		at = new(now.Add(limit))
	}
	if at == nil {
		return nil
	}
	return new(at.Truncate(time.Second).UTC())
}

// SetPolicy sets the viewer's organization's key policy, for admin people.
func (l *Lifecycle) SetPolicy(ctx context.Context, c *ent.Client, p Policy) (Policy, error) {
	v := viewer.FromContext(ctx)
	if !v.IsAdminUser() {
		return Policy{}, problem.Forbidden("only admins may change the key policy")
	}
	if d := p.MaxLifetimeDays; d != nil && (*d < 1 || *d > schema.MaxKeyLifetimeDays) {
		return Policy{}, problem.Input("maxLifetimeDays", "must be between 1 and 1825 days (5 years), or empty for no limit")
	}
	internal := privacy.DecisionContext(ctx, privacy.Allow)
	// Locks the row: of two changes at once, the second's "old" is the first's "new".
	old, err := lockOrganization(ctx, c, v, 0, 0)
	if err != nil {
		return Policy{}, err
	}
	org, err := c.Organization.UpdateOneID(v.OrgID).
		SetNillableKeyMaxLifetimeDays(p.MaxLifetimeDays).
		SetKeyRequireExpiry(p.RequireExpiry).
		Save(internal)
	if err != nil {
		return Policy{}, err
	}
	if p.MaxLifetimeDays == nil {
		if org, err = org.Update().ClearKeyMaxLifetimeDays().Save(internal); err != nil {
			return Policy{}, err
		}
	}
	before, after := PolicyOf(old), PolicyOf(org)
	meta := audit.Metadata{
		"maxLifetimeDays": audit.Change(before.MaxLifetimeDays, after.MaxLifetimeDays),
		"requireExpiry":   audit.Change(before.RequireExpiry, after.RequireExpiry),
	}
	target := audit.Target{Kind: auditentry.TargetKindORGANIZATION, ID: org.ID, Name: org.Name}
	if err := audit.RecordWith(ctx, c, auditentry.ActionKEY_POLICY_UPDATED, target, meta); err != nil {
		return Policy{}, err
	}
	return after, nil
}
