// Package rule holds the privacy rules of the Ent schemas: tenancy and roles are
// decided here, for every query and mutation, whichever resolver runs it.
package rule

import (
	"context"

	"entgo.io/ent/entql"

	"apikeys/ent"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// DenyIfNoViewer denies every operation made without an authenticated caller.
func DenyIfNoViewer() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return privacy.Denyf("no viewer in context")
		}
		return privacy.Skip
	})
}

// FilterTenant limits queries, updates and deletes to the viewer's organization.
func FilterTenant() privacy.QueryMutationRule {
	type tenantFilter interface {
		WhereOrganizationID(entql.StringP)
	}
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v == nil {
			return privacy.Denyf("no viewer in context")
		}
		tf, ok := f.(tenantFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		tf.WhereOrganizationID(entql.StringEQ(string(v.OrgID)))
		return privacy.Skip
	})
}

// FilterOwnOrganization limits queries of organizations to the viewer's own.
func FilterOwnOrganization() privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v == nil {
			return privacy.Denyf("no viewer in context")
		}
		of, ok := f.(*ent.OrganizationFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		of.WhereID(entql.StringEQ(string(v.OrgID)))
		return privacy.Skip
	})
}

// TenantOnCreate puts a new row in the viewer's organization, and denies creating one
// in any other.
func TenantOnCreate() privacy.MutationRule {
	type tenantMutation interface {
		OrganizationID() (pulid.ID, bool)
		SetOrganizationID(pulid.ID)
	}
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		v := viewer.FromContext(ctx)
		if v == nil {
			return privacy.Denyf("no viewer in context")
		}
		tm, ok := m.(tenantMutation)
		if !ok {
			return privacy.Denyf("unexpected mutation type %T", m)
		}
		switch id, set := tm.OrganizationID(); {
		case !set:
			tm.SetOrganizationID(v.OrgID)
		case id != v.OrgID:
			return privacy.Denyf("cannot create in another organization")
		}
		return privacy.Skip
	})
}

// DenyUnlessKeyManager lets only ADMIN users and ADMIN service accounts change
// service accounts and keys.
func DenyUnlessKeyManager() privacy.MutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if !viewer.FromContext(ctx).CanManageKeys() {
			return privacy.Denyf("only admins may manage API keys")
		}
		return privacy.Skip
	})
}

// DenyUnlessAdminUser lets only people with the ADMIN role manage people.
func DenyUnlessAdminUser() privacy.MutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if !viewer.FromContext(ctx).IsAdminUser() {
			return privacy.Denyf("only admins may manage users")
		}
		return privacy.Skip
	})
}

// FilterAuditReaders lets ADMIN people read the whole audit trail and ADMIN service
// accounts (key managers) its key events; MEMBER people and VIEWER keys read none of
// it: it holds people's sign-ins, with their addresses.
func FilterAuditReaders() privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		switch {
		case !v.ReadsAuditTrail():
			return privacy.Denyf("only admins may read the audit trail")
		case v.Kind == viewer.KindServiceAccount:
			af, ok := f.(*ent.AuditEntryFilter)
			if !ok {
				return privacy.Denyf("unexpected filter type %T", f)
			}
			af.WhereTargetKind(entql.StringEQ(string(auditentry.TargetKindAPI_KEY)))
		}
		return privacy.Skip
	})
}
