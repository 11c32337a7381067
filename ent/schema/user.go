package schema

import (
	"errors"
	"net/mail"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"apikeys/ent/schema/pulid"
)

// User is a person of an organization. Deleting a user only sets deleted_at, so the
// keys and audit entries they made keep pointing at them ("Deleted user").
type User struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.Mixin{Prefix: "usr"}, TenantMixin{}, CreatedAtMixin{}}
}

// Fields implements ent.Schema.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validName),
		// Stored lower-cased, so the unique index is case-insensitive. The same email may
		// have an account in several companies (sign-in asks which one).
		field.String("email").Validate(validEmail),
		field.String("password_hash").
			Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").Values("ADMIN", "MEMBER").Default("MEMBER"),
		field.Time("deleted_at").Optional().Nillable(),
	}
}

// Indexes implements ent.Schema.
func (User) Indexes() []ent.Index {
	return []ent.Index{
		// One live account per email address and company; a deleted user frees it. Sign-in
		// looks accounts up by email alone, through the same index.
		index.Fields("email", "organization_id").Unique().Annotations(entsql.IndexWhere("deleted_at IS NULL")),
		index.Fields("organization_id", "created_at"),
	}
}

// Annotations implements ent.Schema.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}

// NormalizeEmail is how every email is stored and looked up.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) error {
	if s != NormalizeEmail(s) {
		return errors.New("email must be trimmed and lower-case")
	}
	if len(s) > 254 {
		return errors.New("email must be at most 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return errors.New("email is not a valid address")
	}
	return nil
}
