package signin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/people"
	"apikeys/ent/problem"
	"apikeys/ent/viewer"
	"apikeys/server/reply"
)

// SetupToken is the one-time secret that lets the first person set up an empty
// server. It is printed at start and forgotten once used.
type SetupToken struct {
	mu    sync.Mutex
	value string
}

// NewSetupToken returns a random setup token.
func NewSetupToken() (*SetupToken, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	return &SetupToken{value: base64.RawURLEncoding.EncodeToString(raw)}, nil
}

// Value returns the token, or "" once used.
func (t *SetupToken) Value() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.value
}

// take consumes the token if s matches it.
func (t *SetupToken) take(s string, use func() error) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.value == "" || subtle.ConstantTimeCompare([]byte(s), []byte(t.value)) != 1 {
		return false, nil
	}
	if err := use(); err != nil {
		return true, err
	}
	t.value = ""
	return true, nil
}

type setupRequest struct {
	Token            string `json:"token"`
	OrganizationName string `json:"organizationName"`
	Name             string `json:"name"`
	Email            string `json:"email"`
	Password         string `json:"password"`
}

// Setup handles POST /auth/setup: with the one-time token of an empty server, it
// creates the company and its first admin and signs the admin in.
func (s *Sessions) Setup(w http.ResponseWriter, r *http.Request) {
	var in setupRequest
	if !decodeJSON(w, r, &in) {
		return
	}
	if s.SetupToken == nil {
		reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "this server is already set up: sign in")
		return
	}
	ctx := r.Context()
	var org *ent.Organization
	var admin *ent.User
	var (
		token   string
		expires time.Time
	)
	matched, err := s.SetupToken.take(in.Token, func() error {
		return audit.InTx(ctx, s.Client, func(c *ent.Client) error {
			exists, err := c.Organization.Query().Exist(allowInternal(ctx))
			if err != nil {
				return err
			}
			if exists {
				return errAlreadySetUp
			}
			org, admin, err = people.CreateOrganization(ctx, c, people.NewOrganization{
				Name: in.OrganizationName, AdminName: in.Name, AdminEmail: in.Email, AdminPassword: in.Password,
			}, true)
			if err != nil {
				return err
			}
			vctx := viewer.NewContext(ctx, people.Viewer(admin))
			token, expires, err = s.newSession(vctx, c, admin)
			return err
		})
	})
	var inErr *problem.InputError
	switch {
	case !matched:
		reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "this setup link is not valid: use the link the server printed, or sign in")
	case errors.Is(err, errAlreadySetUp):
		reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "this server is already set up: sign in")
	case errors.As(err, &inErr):
		reply.FieldError(w, inErr)
	case err != nil:
		s.internal(w, r, err)
	default:
		s.setCookie(w, r, token, expires)
		reply.JSON(w, http.StatusOK, signedIn{
			User:         userJSON{string(admin.ID), admin.Name, admin.Email, string(admin.Role)},
			Organization: orgJSON{string(org.ID), org.Name},
		})
	}
}

var errAlreadySetUp = errors.New("already set up")
