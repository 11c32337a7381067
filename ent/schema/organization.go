package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"apikeys/ent/schema/pulid"
)

// Organization is a company: the tenant every other entity belongs to.
type Organization struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "org"}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validName),
	}
}

// Annotations implements ent.Schema.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
