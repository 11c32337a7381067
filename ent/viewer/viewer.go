// Package viewer carries who is calling (a person or a service account, of which
// organization, with which role) in the request context. The privacy rules of the
// Ent schemas read it; nothing else decides tenancy.
package viewer

import (
	"context"

	"apikeys/ent/schema/pulid"
)

// Kind says whether the caller is a person or a service account.
type Kind string

const (
	KindUser           Kind = "USER"
	KindServiceAccount Kind = "SERVICE_ACCOUNT"
	// KindSystem is the operator's command line, acting in one organization.
	KindSystem Kind = "SYSTEM"
	// KindAnonymous is someone not signed in, e.g. whoever failed to sign in.
	KindAnonymous Kind = "ANONYMOUS"
)

// Role values shared by users (ADMIN, MEMBER) and service accounts (ADMIN, VIEWER).
const (
	RoleAdmin  = "ADMIN"
	RoleMember = "MEMBER"
	RoleViewer = "VIEWER"
)

// Viewer is the authenticated caller.
type Viewer struct {
	Kind    Kind
	ID      pulid.ID // the user's or the service account's id
	Name    string
	Role    string
	OrgID   pulid.ID
	OrgName string
	// KeyID is the API key a service account authenticated with.
	KeyID pulid.ID
}

// CanManageKeys reports whether the viewer may create and revoke API keys.
func (v *Viewer) CanManageKeys() bool { return v != nil && v.Role == RoleAdmin }

// IsAdminUser reports whether the viewer is a person with the ADMIN role.
func (v *Viewer) IsAdminUser() bool {
	return v != nil && v.Kind == KindUser && v.Role == RoleAdmin
}

// ReadsAuditTrail reports whether the viewer may read the audit trail: ADMIN people
// all of it, ADMIN service accounts its key events (ent/rule filters them), the system.
func (v *Viewer) ReadsAuditTrail() bool {
	return v != nil && (v.Role == RoleAdmin || v.Kind == KindSystem)
}

type ctxKey struct{}

// NewContext returns a copy of ctx that carries v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}
