package graph

import (
	"context"

	"apikeys/ent"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// viewerID is the Viewer's own id: "vwr_" and its principal's, unique across types.
func viewerID(v *viewer.Viewer) pulid.ID { return "vwr_" + v.ID }

// viewerUser returns the signed-in person, or nil for a key.
func viewerUser(ctx context.Context, c *ent.Client) (*ent.User, error) {
	if v := viewer.FromContext(ctx); v != nil && v.Kind == viewer.KindUser {
		return c.User.Get(ctx, v.ID)
	}
	return nil, nil
}

// viewerServiceAccount returns the service account of the key in use, or nil for a person.
func viewerServiceAccount(ctx context.Context, c *ent.Client) (*ent.ServiceAccount, error) {
	if v := viewer.FromContext(ctx); v != nil && v.Kind == viewer.KindServiceAccount {
		return c.ServiceAccount.Get(ctx, v.ID)
	}
	return nil, nil
}
