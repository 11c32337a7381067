package people

import (
	"context"
	"errors"
	"strings"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/password"
	"apikeys/ent/privacy"
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

// CreateOrganization creates an organization and its first admin, with their audit
// entries, in the transaction of c. The entries name the admin as the actor when
// selfService (the setup page), and the system otherwise (command line, bootstrap).
func CreateOrganization(ctx context.Context, c *ent.Client, in NewOrganization, selfService bool) (*ent.Organization, *ent.User, error) {
	if err := password.Check(in.AdminPassword); err != nil {
		return nil, nil, problem.Input("password", err.Error())
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	email := schema.NormalizeEmail(in.AdminEmail)
	// Checked before the password is hashed (the company is new: no email is taken in it).
	if err := user.EmailValidator(email); err != nil {
		return nil, nil, problem.Input("email", err.Error())
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
		actor = Viewer(admin)
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

// inputError turns a validation error of Ent into a problem.InputError, for the field
// of that name unless field says otherwise.
func inputError(err error, field string) error {
	var verr *ent.ValidationError
	if errors.As(err, &verr) {
		if field == "" {
			field = verr.Name
		}
		return problem.Input(field, problem.ValidationMessage(verr))
	}
	if ent.IsConstraintError(err) {
		return problem.Input("email", ErrEmailTaken)
	}
	return err
}

// Viewer is the caller a signed-in person is.
func Viewer(u *ent.User) *viewer.Viewer {
	return &viewer.Viewer{Kind: viewer.KindUser, ID: u.ID, Name: u.Name, Role: string(u.Role), OrgID: u.OrganizationID}
}
