package schema

import (
	"entgo.io/ent"

	"apikeys/ent/hook"
	"apikeys/ent/privacy"
	"apikeys/ent/rule"
)

// Tenancy for every entity with the TenantMixin. Internal lookups that must cross it
// (authentication, setup) say so with privacy.DecisionContext(ctx, privacy.Allow).

// Policy implements ent.Mixin.
func (TenantMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyIfNoViewer(),
			rule.FilterTenant(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyIfNoViewer(),
			rule.TenantOnCreate(),
			rule.FilterTenant(),
		},
	}
}

// Policy implements ent.Schema: a viewer sees its own organization; organizations
// are created only by setup and the create-org command.
func (Organization) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterOwnOrganization()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy implements ent.Schema.
func (User) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{rule.DenyUnlessAdminUser()}}
}

// Policy implements ent.Schema.
func (ServiceAccount) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{rule.DenyUnlessKeyManager()}}
}

// Policy implements ent.Schema.
func (APIKey) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{rule.DenyUnlessKeyManager()}}
}

// Policy implements ent.Schema: anyone of the organization may be recorded; nobody
// may change what was recorded; admin people read the trail, admin keys its key events.
func (AuditEntry) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.FilterAuditReaders()},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(privacy.AlwaysDenyRule(), ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne),
		},
	}
}

// Hooks implements ent.Schema: append-only even under an allow decision.
func (AuditEntry) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}

// Policy implements ent.Schema: sessions are only touched by the authentication code.
func (Session) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
