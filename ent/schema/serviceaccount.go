package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"apikeys/ent/schema/pulid"
)

// ServiceAccount is a non-human identity; integrations act as it through its API keys.
type ServiceAccount struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (ServiceAccount) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "sa"}, TenantMixin{}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (ServiceAccount) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validName),
		// VIEWER may only query; ADMIN may also create and revoke keys.
		field.Enum("role").Values("VIEWER", "ADMIN").Default("VIEWER"),
		field.String("created_by_id").GoType(pulid.ID("")).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("created_by_service_account_id").GoType(pulid.ID("")).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Schema.
func (ServiceAccount) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		// Many to one: an ADMIN service account may create many (a unique edge to its own
		// type without an inverse would be one to one, one creation per account).
		edge.To("created_service_accounts", ServiceAccount.Type).
			Annotations(entgql.Skip(entgql.SkipAll)).
			From("created_by_service_account").Field("created_by_service_account_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("api_keys", APIKey.Type).Ref("service_account").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// No index on organization_id: service accounts are only ever looked up by id (the
// tenant filter then checks one row), and with such an index the planners scanned all
// of a large organization's accounts to load a page's 50.

// Annotations implements ent.Schema.
func (ServiceAccount) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
