package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"apikeys/ent/schema/pulid"
)

// AuditEntry records one event: who did what to which target, when and from where.
// Entries are append-only: written in the transaction of the change they record (by
// ent/audit) and never updated or deleted (hooks.go rejects both).
type AuditEntry struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (AuditEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "aud"}, TenantMixin{}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (AuditEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("action").Values(
			"ORGANIZATION_CREATED",
			"API_KEY_CREATED",
			"API_KEY_REVOKED",
			"API_KEY_ROTATED",
			"API_KEY_UPDATED",
			"API_KEY_EXPIRED",
			"API_KEY_REPORTED_LEAKED",
			"KEY_POLICY_UPDATED",
			"USER_CREATED",
			"USER_DELETED",
			"USER_SIGNED_IN",
			"USER_SIGN_IN_FAILED",
			"USER_SIGNED_OUT",
			"AUDIT_EXPORTED",
		).Immutable(),
		field.Enum("actor_kind").Values("USER", "SERVICE_ACCOUNT", "SYSTEM", "ANONYMOUS").Immutable(),
		field.String("actor_id").GoType(pulid.ID("")).Optional().Nillable().Immutable().
			Annotations(entgql.Type("ID")),
		// The actor's name as it was at that moment.
		field.String("actor_name").Immutable(),
		field.Enum("target_kind").Values("ORGANIZATION", "USER", "SERVICE_ACCOUNT", "API_KEY").Immutable(),
		field.String("target_id").GoType(pulid.ID("")).Immutable().
			Annotations(entgql.Type("ID")),
		field.String("target_name").Immutable(),
		// Where a person signed in from is theirs: shown to admin people only (a resolver
		// decides), so not filterable by anyone (a filter would answer for the others).
		field.String("ip").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.String("user_agent").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		// What the entry needs beyond actor and target (described per action on
		// AuditEntry.metadata in graph/apikeys.graphqls): old and
		// new values, a rotation's new key, an ending's reason. Null in entries from
		// before it; the API shows {}.
		// json, not jsonb, on PostgreSQL: lib/pq's binary parameters (server/app/db.go)
		// send the text as it is, which jsonb's binary input refuses.
		field.JSON("metadata", map[string]any{}).Optional().Immutable().
			SchemaType(map[string]string{dialect.Postgres: "json"}).
			Annotations(entgql.Skip(entgql.SkipAll)),
		// The hash chain (docs/audit-chain.md, ent/audit/chain.go): the entry's place in
		// its organization's trail (1, 2, 3, … without gaps), the previous entry's hash
		// and its own, as lowercase hex SHA-256. Null only in entries written before the
		// chain, until the migration chains them (server/app/db.go).
		field.Int64("sequence").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("previous_hash").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("hash").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes implements ent.Schema.
func (AuditEntry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "created_at", "id").
			Annotations(entsql.DescColumns("created_at", "id")),
		// One entry per place in an organization's chain: two writers that raced past
		// the organization's lock would fail rather than fork the chain.
		index.Fields("organization_id", "sequence").Unique(),
	}
}

// Annotations implements ent.Schema.
func (AuditEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
