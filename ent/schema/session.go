package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"apikeys/ent/schema/pulid"
)

// Session is a signed-in person's browser session. Only the SHA-256 hash of the
// cookie's token is stored.
type Session struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Session) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "ses"}, TenantMixin{}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Bytes("token_hash").Sensitive().Immutable().MinLen(32).MaxLen(32),
		field.String("user_id").GoType(pulid.ID("")).Immutable(),
		field.Time("expires_at"),
	}
}

// Edges implements ent.Schema.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("token_hash").Unique(), index.Fields("user_id")}
}

// Annotations implements ent.Schema.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
