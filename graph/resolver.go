// Package graph is the GraphQL API: gqlgen's executable schema over the Ent client.
package graph

import (
	"context"

	"apikeys/ent"
)

// Resolver is the root resolver.
type Resolver struct {
	Client *ent.Client
	// Revocations hears of every revocation, inside its transaction, to take the key
	// out of the verification caches of every instance.
	Revocations interface {
		Revoked(ctx context.Context, tx *ent.Client, secretHash []byte) error
	}
}
