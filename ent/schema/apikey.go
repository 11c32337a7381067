package schema

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "apikeys/ent"
	"apikeys/ent/hook"
	"apikeys/ent/schema/keyuse"
	"apikeys/ent/schema/pulid"
)

// APIKey is a credential of a service account. Only the SHA-256 hash of the secret is
// stored; the secret itself is shown once, in the create mutation's payload.
type APIKey struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "key"}, TenantMixin{}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.Bytes("secret_hash").
			Sensitive().
			Immutable().
			MinLen(32).MaxLen(32).
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("prefix").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("last_four").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		// The service account's name, kept here too so that keys sort and search by name
		// in their own table (a page is one statement).
		field.String("name").Default("").
			Annotations(entgql.OrderField("NAME")),
		// The name in Unicode case folding (golang.org/x/text/cases), written by a hook:
		// what the search compares with, the same on SQLite (whose lower() and LIKE fold
		// ASCII only) and PostgreSQL.
		field.String("name_folded").Default("").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").Values("ACTIVE", "REVOKED").Default("ACTIVE"),
		field.Time("revoked_at").Optional().Nillable().
			Annotations(entgql.OrderField("REVOKED_AT")),
		field.Time("last_used_at").Optional().Nillable(),
		// last_used_at as the keys sort by it (LAST_USED_AT): the Unix epoch for a key never
		// used, so that such keys come last when the most recently used come first, on both
		// databases (they put NULL at opposite ends), and a page can end on one (a NULL
		// cursor skips or repeats keys). Written with last_used_at; null only in rows from
		// before it, until the migration fills it.
		field.Time("last_used_order").Optional().Default(NeverUsed).
			Annotations(entgql.OrderField("LAST_USED_AT"), entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		// When the key stops working (null: never); the sweeper then ends it (reason
		// EXPIRED, or ROTATED for a key replaced by rotation).
		field.Time("expires_at").Optional().Nillable(),
		// expires_at as the keys sort by it (EXPIRES_AT): the far future for a key that
		// never expires, so that such keys come last when the soonest come first, on both
		// databases; like last_used_order.
		field.Time("expires_order").Optional().Default(NeverExpires).
			Annotations(entgql.OrderField("EXPIRES_AT"), entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		// Why a revoked key ended; null while active.
		field.Enum("revocation_reason").Values("MANUAL", "EXPIRED", "ROTATED", "LEAKED").Optional().Nillable().
			Annotations(entgql.Type("APIKeyRevocationReason")),
		// The networks the key may be used from (normalized CIDRs, at most 100); empty or
		// null: any address. Checked on every request (server/auth).
		field.Strings("allowed_networks").Optional().
			// text, not jsonb (lib/pq's binary parameters, see AuditEntry.metadata) nor json
			// (no equality: the rotation edges select DISTINCT rows).
			SchemaType(map[string]string{dialect.Postgres: "text"}).
			Annotations(entgql.Skip(entgql.SkipAll)),
		// The last distinct client addresses the key was used from, newest first (at most
		// keyuse.MaxClients), written with the batched last use (server/auth). text on
		// PostgreSQL for the reasons of allowed_networks.
		field.JSON("recent_clients", []keyuse.Client{}).Optional().
			SchemaType(map[string]string{dialect.Postgres: "text"}).
			Annotations(entgql.Skip(entgql.SkipAll)),
		// The key this one replaced by rotation.
		field.String("replaces_id").GoType(pulid.ID("")).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("service_account_id").GoType(pulid.ID("")).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("created_by_id").GoType(pulid.ID("")).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("created_by_service_account_id").GoType(pulid.ID("")).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("revoked_by_id").GoType(pulid.ID("")).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("revoked_by_service_account_id").GoType(pulid.ID("")).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Schema.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		// Exposed by hand (graph/apikeys.graphqls) so that resolvers control the eager
		// loading; the where input keeps hasServiceAccountWith for the search by name.
		edge.To("service_account", ServiceAccount.Type).Field("service_account_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipType)),
		// A rotation's new key replaces the old one; a key is replaced at most once
		// (replaces_id is unique), so of two rotations at the same moment one fails.
		edge.To("replaced_by", APIKey.Type).Unique().
			From("replaces").Unique().Field("replaces_id").Immutable(),
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("created_by_service_account", ServiceAccount.Type).Field("created_by_service_account_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("revoked_by", User.Type).Field("revoked_by_id").Unique().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("revoked_by_service_account", ServiceAccount.Type).Field("revoked_by_service_account_id").Unique().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// NeverUsed is the last_used_order of a key never used: the Unix epoch.
func NeverUsed() time.Time { return time.Unix(0, 0).UTC() }

// NeverExpires is the expires_order of a key without an expiry: the last day of 9999.
func NeverExpires() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

// Hooks implements ent.Schema: the folded name follows the name, the orders of last use
// and expiry their times.
func (APIKey) Hooks() []ent.Hook {
	return []ent.Hook{
		hook.On(func(next ent.Mutator) ent.Mutator {
			return hook.APIKeyFunc(func(ctx context.Context, m *gen.APIKeyMutation) (ent.Value, error) {
				if name, ok := m.Name(); ok {
					m.SetNameFolded(FoldName(name))
				}
				if at, ok := m.LastUsedAt(); ok {
					m.SetLastUsedOrder(at)
				}
				if at, ok := m.ExpiresAt(); ok {
					m.SetExpiresOrder(at)
				} else if m.ExpiresAtCleared() {
					m.SetExpiresOrder(NeverExpires())
				}
				return next.Mutate(ctx, m)
			})
		}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne),
	}
}

// Indexes implements ent.Schema.
func (APIKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("secret_hash").Unique(),
		// The tabs: one organization's keys of one status, newest first.
		index.Fields("organization_id", "status", "created_at", "id").
			Annotations(entsql.DescColumns("created_at", "id")),
		index.Fields("service_account_id"),
		// The verification caches re-check recently revoked keys.
		index.Fields("revoked_at"),
		// The sweeper finds the active keys whose time has come, in its order.
		index.Fields("status", "expires_at", "id"),
	}
}

// Annotations implements ent.Schema.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
