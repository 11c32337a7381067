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
		// The tab counters, kept in the transactions that create and revoke keys, so
		// that apiKeyCounts reads one row however many keys there are.
		field.Int("active_key_count").Default(0).NonNegative().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("revoked_key_count").Default(0).NonNegative().
			Annotations(entgql.Skip(entgql.SkipAll)),
		// False for organizations that existed before the counters: the migration
		// counts their keys once (server/app/db.go).
		field.Bool("key_counts_initialized").Default(false).
			Annotations(entgql.Skip(entgql.SkipAll)),
		// The key policy (Organization.keyPolicy): the longest lifetime of a new key in
		// days (null: no limit), and whether a new key must have an expiry.
		field.Int("key_max_lifetime_days").Optional().Nillable().Range(1, MaxKeyLifetimeDays).
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("key_require_expiry").Default(false).
			Annotations(entgql.Skip(entgql.SkipAll)),
		// The sequence of the organization's last audit entry: the head of its hash
		// chain, moved by ent/audit in the transaction that writes the entry (which locks
		// this row, so that one organization's entries are chained one after another).
		// An entry missing at the end of the trail shows against it.
		field.Int64("audit_sequence").Default(0).NonNegative().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// MaxKeyLifetimeDays is the longest lifetime of any key: five years.
const MaxKeyLifetimeDays = 5 * 365

// Annotations implements ent.Schema.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
