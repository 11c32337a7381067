package signin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/organization"
	"apikeys/ent/password"
	"apikeys/ent/people"
	"apikeys/ent/problem"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
	"apikeys/server/clientaddr"
	"apikeys/server/reply"
)

// The one message for an unknown email and a wrong password.
const badCredentials = "Incorrect email or password."

// CodeChooseOrganization is the code of the 409 answer to a sign-in whose email and
// password match accounts in several companies: the client asks the person which
// one and signs in again with its organizationId.
const CodeChooseOrganization = "CHOOSE_ORGANIZATION"

// maxAccountsPerEmail bounds the accounts one sign-in checks the password against (an
// email may have an account in several companies): each check is an argon2id.
const maxAccountsPerEmail = 5

// maxEmailLength is the longest email an account can have (RFC 5321's path limit).
const maxEmailLength = 254

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// OrganizationID chooses among the companies in which the email has an account.
	OrganizationID string `json:"organizationId"`
}

// check says what is wrong with the fields, before anything is looked up.
func (c credentials) check() *problem.InputError {
	switch {
	case strings.TrimSpace(c.Email) == "":
		return problem.Input("email", "Enter your email.")
	case len(c.Email) > maxEmailLength || !utf8.ValidString(c.Email) || strings.ContainsRune(c.Email, 0):
		return problem.Input("email", "This is not a valid email address.")
	case c.Password == "":
		return problem.Input("password", "Enter your password.")
	case len(c.Password) > 4*password.MaxLength || !utf8.ValidString(c.Password):
		return problem.Input("password", "This is not a valid password.")
	case c.OrganizationID != "" && (len(c.OrganizationID) > 64 || !utf8.ValidString(c.OrganizationID)):
		return problem.Input("organizationId", "This is not a valid organization id.")
	}
	return nil
}

// Login handles POST /auth/login {email, password, organizationId?}: a session cookie,
// or 401. Every attempt first takes its place in the limits (so requests sent together
// cannot all pass), then waits for a password-check slot (so they cannot all take
// argon2id's memory at once); a right password gives the place back.
func (s *Sessions) Login(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if !decodeJSON(w, r, &in) {
		return
	}
	if err := in.check(); err != nil {
		reply.FieldError(w, err)
		return
	}
	ctx := r.Context()
	email, ip := schema.NormalizeEmail(in.Email), clientaddr.Of(r)
	att, wait := s.limits.Begin(email, ip)
	if wait > 0 {
		s.Metrics.Auth("sign_in_limited")
		reply.RateLimited(w, wait)
		return
	}
	matched, tried, err := s.checkPassword(ctx, email, in.Password, pulid.ID(in.OrganizationID))
	switch {
	case errors.Is(err, password.ErrBusy):
		att.Succeeded() // not a failure: the attempt never ran
		s.Metrics.Auth("sign_in_busy")
		w.Header().Set("Retry-After", "1")
		reply.Error(w, http.StatusServiceUnavailable, CodeBusy, "The server is busy. Try again in a moment.")
		return
	case err != nil:
		att.Succeeded()
		s.internal(w, r, err)
		return
	case len(matched) == 0:
		s.Metrics.Auth("sign_in_failed")
		s.recordFailures(ctx, ip, tried)
		reply.Error(w, http.StatusUnauthorized, reply.CodeUnauthenticated, badCredentials)
		return
	}
	att.Succeeded()
	if len(matched) > 1 {
		s.askForOrganization(w, r, matched)
		return
	}
	s.signIn(ctx, w, r, matched[0])
}

// CodeBusy is the code of a 503 answer to a sign-in that found no password-check slot.
const CodeBusy = "BUSY"

// checkPassword returns the live accounts of email (in the organization chosen, if one
// is) whose password is p, and those it tried. An unknown email costs one check, like
// a known one.
func (s *Sessions) checkPassword(ctx context.Context, email, p string, org pulid.ID) (matched, tried []*ent.User, err error) {
	q := s.Client.User.Query().Where(user.Email(email), user.DeletedAtIsNil())
	if org != "" {
		q.Where(user.OrganizationID(org))
	}
	tried, err = q.Order(user.ByCreatedAt(), user.ByID()).Limit(maxAccountsPerEmail).All(allowInternal(ctx))
	if err != nil {
		return nil, nil, err
	}
	if len(tried) == 0 {
		return nil, nil, password.VerifyNothing(ctx, p)
	}
	for _, u := range tried {
		ok, err := password.Verify(ctx, u.PasswordHash, p)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			matched = append(matched, u)
		}
	}
	return matched, tried, nil
}

// askForOrganization answers 409 with the companies whose account the password opened.
func (s *Sessions) askForOrganization(w http.ResponseWriter, r *http.Request, accounts []*ent.User) {
	ids := make([]pulid.ID, len(accounts))
	for i, u := range accounts {
		ids[i] = u.OrganizationID
	}
	orgs, err := s.Client.Organization.Query().Where(organization.IDIn(ids...)).
		Order(organization.ByName(), organization.ByID()).All(allowInternal(r.Context()))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	list := make([]orgJSON, len(orgs))
	for i, o := range orgs {
		list[i] = orgJSON{string(o.ID), o.Name}
	}
	reply.JSON(w, http.StatusConflict, map[string]any{
		"errors": []any{map[string]any{
			"message":    "This email has an account in several companies. Choose the company to sign in to.",
			"extensions": map[string]any{"code": CodeChooseOrganization, "organizations": list},
		}},
		"data": nil,
	})
}

// signIn starts a session for u, with its audit entry.
func (s *Sessions) signIn(ctx context.Context, w http.ResponseWriter, r *http.Request, u *ent.User) {
	vctx := viewer.NewContext(ctx, people.Viewer(u))
	var (
		token   string
		expires time.Time
		org     *ent.Organization
		err     error
	)
	err = audit.InTx(vctx, s.Client, func(c *ent.Client) error {
		if token, expires, err = s.newSession(vctx, c, u); err != nil {
			return err
		}
		if org, err = c.Organization.Query().Where(organization.ID(u.OrganizationID)).Only(vctx); err != nil {
			return err
		}
		return audit.Record(vctx, c, auditentry.ActionUSER_SIGNED_IN, audit.Target{Kind: auditentry.TargetKindUSER, ID: u.ID, Name: u.Name})
	})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.Metrics.Auth("sign_in")
	s.setCookie(w, r, token, expires)
	reply.JSON(w, http.StatusOK, signedIn{
		User:         userJSON{string(u.ID), u.Name, u.Email, string(u.Role)},
		Organization: orgJSON{string(org.ID), org.Name},
	})
}

// failedSignIn is a "failed sign-in" audit entry waiting to be written.
type failedSignIn struct {
	ctx  context.Context
	at   time.Time
	user *ent.User
}

// recordFailures queues a "failed sign-in" entry for each account tried, in that
// account's company, within the bound of entries per account and per address. The
// entries are written off the request, so that a wrong password and an unknown email
// are answered after the same work.
func (s *Sessions) recordFailures(ctx context.Context, ip string, accounts []*ent.User) {
	for _, u := range accounts {
		if !s.failureEntries.Allow("account "+string(u.ID)) || !s.failureEntries.Allow("address "+ip) {
			s.Metrics.Auth("sign_in_failure_unrecorded")
			continue
		}
		// Anonymous: whoever typed the password is not known to be the person.
		actx := viewer.NewContext(context.WithoutCancel(ctx), &viewer.Viewer{Kind: viewer.KindAnonymous, OrgID: u.OrganizationID})
		select {
		case s.failures <- failedSignIn{actx, time.Now().UTC(), u}:
		default:
			s.Metrics.Auth("sign_in_failure_unrecorded")
		}
	}
}

// writeFailures writes queued failure entries until ctx ends, then those still queued.
func (s *Sessions) writeFailures(ctx context.Context) {
	write := func(f failedSignIn) {
		ctx := allowInternal(f.ctx)
		err := audit.InTx(ctx, s.Client, func(c *ent.Client) error {
			return audit.RecordAt(ctx, c, f.at, auditentry.ActionUSER_SIGN_IN_FAILED,
				audit.Target{Kind: auditentry.TargetKindUSER, ID: f.user.ID, Name: f.user.Name})
		})
		if err != nil {
			s.Log.Error("signin: recording a failed sign-in", "err", err)
		}
	}
	for {
		select {
		case f := <-s.failures:
			write(f)
		case <-ctx.Done():
			for {
				select {
				case f := <-s.failures:
					write(f)
				default:
					return
				}
			}
		}
	}
}
