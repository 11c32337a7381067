package auth

import (
	"context"
	"errors"
	"strings"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/password"
	"apikeys/ent/problem"
	"apikeys/ent/schema"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
)

// NewOrganization is a company and its first admin.
type NewOrganization struct {
	Name          string
	AdminName     string
	AdminEmail    string
	AdminPassword string
}

// ErrEmailTaken is returned when the admin's email already has an account.
var ErrEmailTaken = errors.New("a user with this email already exists")

// InputError is a problem with what the operator or the person typed.
type InputError struct{ Field, Message string }

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// CreateOrganization creates an organization and its first admin, with their audit
// entries, in the transaction of c. The entries name the admin as the actor when
// selfService (the setup page), and the system otherwise (command line, bootstrap).
func CreateOrganization(ctx context.Context, c *ent.Client, in NewOrganization, selfService bool) (*ent.Organization, *ent.User, error) {
	if err := password.Check(in.AdminPassword); err != nil {
		return nil, nil, &InputError{"password", err.Error()}
	}
	ctx = allowInternal(ctx)
	email := schema.NormalizeEmail(in.AdminEmail)
	// Checked before the password is hashed (the company is new: no email is taken in it).
	if err := user.EmailValidator(email); err != nil {
		return nil, nil, &InputError{"email", err.Error()}
	}
	hash, err := password.Hash(ctx, in.AdminPassword)
	if err != nil {
		return nil, nil, err
	}
	org, err := c.Organization.Create().SetName(strings.TrimSpace(in.Name)).SetKeyCountsInitialized(true).Save(ctx)
	if err != nil {
		return nil, nil, inputError(err, "organizationName")
	}
	admin, err := c.User.Create().
		SetOrganizationID(org.ID).
		SetName(strings.TrimSpace(in.AdminName)).
		SetEmail(email).
		SetPasswordHash(hash).
		SetRole(user.RoleADMIN).
		Save(ctx)
	if err != nil {
		return nil, nil, inputError(err, "")
	}
	actor := &viewer.Viewer{Kind: viewer.KindSystem, Name: "System", OrgID: org.ID}
	if selfService {
		actor = userViewer(admin)
	}
	actx := viewer.NewContext(ctx, actor)
	if err := audit.Record(actx, c, auditentry.ActionORGANIZATION_CREATED, audit.Target{Kind: auditentry.TargetKindORGANIZATION, ID: org.ID, Name: org.Name}); err != nil {
		return nil, nil, err
	}
	if err := audit.Record(actx, c, auditentry.ActionUSER_CREATED, audit.Target{Kind: auditentry.TargetKindUSER, ID: admin.ID, Name: admin.Name}); err != nil {
		return nil, nil, err
	}
	return org, admin, nil
}

// inputError turns a validation error of Ent into an InputError, for the field of
// that name unless field says otherwise.
func inputError(err error, field string) error {
	var verr *ent.ValidationError
	if errors.As(err, &verr) {
		if field == "" {
			field = verr.Name
		}
		return &InputError{field, problem.ValidationMessage(verr)}
	}
	if ent.IsConstraintError(err) {
		return &InputError{"email", ErrEmailTaken.Error()}
	}
	return err
}
