package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"sync"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/session"
	"apikeys/ent/viewer"
)

// maxAuthBody bounds the JSON bodies of /auth requests.
const maxAuthBody = 64 << 10

// decodeJSON reads a JSON body. Requiring application/json also keeps cross-site HTML
// forms out: a browser sends that content type across sites only after a CORS preflight.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		WriteError(w, http.StatusUnsupportedMediaType, CodeBadUserInput, "send a JSON body with Content-Type: application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAuthBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadUserInput, "the request body is not valid JSON for this endpoint")
		return false
	}
	return true
}

type signedIn struct {
	User         userJSON `json:"user"`
	Organization orgJSON  `json:"organization"`
}

type userJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

type orgJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Logout handles POST /auth/logout: the session ends on the server, the cookie is cleared.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) {
	// The cookie is cleared whatever happens next: a header set after WriteHeader is lost.
	a.clearCookie(w, r)
	cookie, err := r.Cookie(SessionCookie)
	if err != nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx := WithRequest(r)
	v, err := a.verifySession(ctx, cookie.Value)
	if errors.Is(err, errNoSession) {
		w.WriteHeader(http.StatusNoContent)
		return
	} else if err != nil {
		a.internal(w, r, err)
		return
	}
	vctx := viewer.NewContext(ctx, v)
	err = WithTx(vctx, a.Client, func(c *ent.Client) error {
		_, err := c.Session.Delete().
			Where(session.TokenHash(hashToken(cookie.Value)), session.UserID(v.ID)).
			Exec(allowInternal(vctx))
		if err != nil {
			return err
		}
		return audit.Record(vctx, c, auditentry.ActionUSER_SIGNED_OUT, audit.Target{Kind: auditentry.TargetKindUSER, ID: v.ID, Name: v.Name})
	})
	if err != nil {
		a.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *Authenticator) internal(w http.ResponseWriter, r *http.Request, err error) {
	a.Log.ErrorContext(r.Context(), "auth: internal error", "path", r.URL.Path, "err", err)
	WriteError(w, http.StatusInternalServerError, CodeInternal, "internal error")
}

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
func (a *Authenticator) Setup(w http.ResponseWriter, r *http.Request) {
	var in setupRequest
	if !decodeJSON(w, r, &in) {
		return
	}
	if a.SetupToken == nil {
		WriteError(w, http.StatusForbidden, CodeForbidden, "this server is already set up: sign in")
		return
	}
	ctx := WithRequest(r)
	var org *ent.Organization
	var admin *ent.User
	var (
		token   string
		expires time.Time
	)
	matched, err := a.SetupToken.take(in.Token, func() error {
		return WithTx(ctx, a.Client, func(c *ent.Client) error {
			exists, err := c.Organization.Query().Exist(allowInternal(ctx))
			if err != nil {
				return err
			}
			if exists {
				return errAlreadySetUp
			}
			org, admin, err = CreateOrganization(ctx, c, NewOrganization{
				Name: in.OrganizationName, AdminName: in.Name, AdminEmail: in.Email, AdminPassword: in.Password,
			}, true)
			if err != nil {
				return err
			}
			vctx := viewer.NewContext(ctx, userViewer(admin))
			token, expires, err = a.newSession(vctx, c, admin)
			return err
		})
	})
	var inErr *InputError
	switch {
	case !matched:
		WriteError(w, http.StatusForbidden, CodeForbidden, "this setup link is not valid: use the link the server printed, or sign in")
	case errors.Is(err, errAlreadySetUp):
		WriteError(w, http.StatusForbidden, CodeForbidden, "this server is already set up: sign in")
	case errors.As(err, &inErr):
		writeFieldError(w, inErr)
	case err != nil:
		a.internal(w, r, err)
	default:
		a.setCookie(w, r, token, expires)
		writeJSON(w, http.StatusOK, signedIn{
			User:         userJSON{string(admin.ID), admin.Name, admin.Email, string(admin.Role)},
			Organization: orgJSON{string(org.ID), org.Name},
		})
	}
}

var errAlreadySetUp = errors.New("already set up")

func writeFieldError(w http.ResponseWriter, e *InputError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": e.Message, "extensions": map[string]any{"code": CodeBadUserInput, "field": e.Field}}},
		"data":   nil,
	})
}
