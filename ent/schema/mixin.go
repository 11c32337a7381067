package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"apikeys/ent/schema/pulid"
)

// TenantMixin ties an entity to exactly one organization through an immutable edge.
// Its privacy policy (in policy.go) filters every query and mutation to the viewer's
// organization, so no resolver has to remember to.
type TenantMixin struct {
	mixin.Schema
}

// Fields implements ent.Mixin.
func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("organization_id").
			GoType(pulid.ID("")).
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Mixin.
func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).
			Field("organization_id").
			Unique().
			Required().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// CreatedAtMixin records when a row was created.
type CreatedAtMixin struct {
	mixin.Schema
}

// Fields implements ent.Mixin.
func (CreatedAtMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(func() time.Time { return time.Now().UTC() }).
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}
