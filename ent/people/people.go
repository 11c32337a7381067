// Package people adds and deletes the people of an organization: the rules (who may,
// what a person's fields must be, that a company keeps an admin) live here, whoever
// calls (the GraphQL API, later a command line).
package people

import (
	"context"
	"strings"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/password"
	"apikeys/ent/privacy"
	"apikeys/ent/problem"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/session"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
)

// ErrEmailTaken is the message for an email that already has an account in the company.
const ErrEmailTaken = "a user with this email already exists"

// NewPerson is what an admin types to add someone.
type NewPerson struct {
	Name, Email, Password string
	Role                  user.Role
}

// Create adds a person to the viewer's organization, with its audit entry, in the
// transaction of c. Every field is checked before anything is looked up, so a refused
// request tells nothing about which emails have accounts.
func Create(ctx context.Context, c *ent.Client, in NewPerson) (*ent.User, error) {
	if !viewer.FromContext(ctx).IsAdminUser() {
		return nil, problem.Forbidden("only admins may add people")
	}
	name, email := strings.TrimSpace(in.Name), schema.NormalizeEmail(in.Email)
	if err := user.NameValidator(name); err != nil {
		return nil, problem.Input("name", err.Error())
	}
	if err := user.EmailValidator(email); err != nil {
		return nil, problem.Input("email", err.Error())
	}
	if err := password.Check(in.Password); err != nil {
		return nil, problem.Input("password", err.Error())
	}
	if err := user.RoleValidator(in.Role); err != nil {
		return nil, problem.Input("role", err.Error())
	}
	// Within the viewer's company only (the privacy rules filter the query).
	taken, err := c.User.Query().Where(user.Email(email), user.DeletedAtIsNil()).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, problem.Input("email", ErrEmailTaken)
	}
	hash, err := password.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u, err := c.User.Create().SetName(name).SetEmail(email).SetPasswordHash(hash).SetRole(in.Role).Save(ctx)
	if ent.IsConstraintError(err) { // created by a concurrent request
		return nil, problem.Input("email", ErrEmailTaken)
	} else if err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, c, auditentry.ActionUSER_CREATED, audit.Target{Kind: auditentry.TargetKindUSER, ID: u.ID, Name: u.Name}); err != nil {
		return nil, err
	}
	return u, nil
}

// Delete deletes a person of the viewer's organization in the transaction of c: their
// sessions end at once; what they did stays in the history as "Deleted user". The
// organization's row is locked first, so that deletions in one company happen one after
// the other, and the acting admin is checked again under the lock: of two admins
// deleting each other at the same moment, the second finds itself deleted.
func Delete(ctx context.Context, c *ent.Client, id pulid.ID) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if !v.IsAdminUser() {
		return nil, problem.Forbidden("only admins may delete people")
	}
	if id == v.ID {
		return nil, problem.Input("id", "you cannot delete yourself")
	}
	internal := privacy.DecisionContext(ctx, privacy.Allow)
	if err := c.Organization.UpdateOneID(v.OrgID).AddActiveKeyCount(0).Exec(internal); err != nil {
		return nil, err
	}
	stillAdmin, err := c.User.Query().
		Where(user.ID(v.ID), user.DeletedAtIsNil(), user.RoleEQ(user.RoleADMIN)).
		Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !stillAdmin {
		return nil, problem.Forbidden("you are no longer an admin of this company")
	}
	u, err := c.User.Query().Where(user.ID(id), user.DeletedAtIsNil()).Only(ctx)
	if err != nil {
		return nil, err // NOT_FOUND when it is not there (or not in this company)
	}
	if u.Role == user.RoleADMIN {
		admins, err := c.User.Query().Where(user.RoleEQ(user.RoleADMIN), user.DeletedAtIsNil()).Count(ctx)
		if err != nil {
			return nil, err
		}
		if admins <= 1 {
			return nil, problem.Input("id", "a company needs an admin: this is its last one")
		}
	}
	if err := c.User.UpdateOne(u).SetDeletedAt(time.Now().UTC()).Exec(ctx); err != nil {
		return nil, err
	}
	// The deleted person's sessions end now, not when they expire.
	if _, err := c.Session.Delete().Where(session.UserID(u.ID)).Exec(internal); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, c, auditentry.ActionUSER_DELETED, audit.Target{Kind: auditentry.TargetKindUSER, ID: u.ID, Name: u.Name}); err != nil {
		return nil, err
	}
	return u, nil
}
