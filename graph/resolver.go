// Package graph is the GraphQL API: gqlgen's executable schema over the Ent client.
package graph

import (
	"apikeys/ent"
	"apikeys/ent/keys"
)

// Resolver is the root resolver. Queries read through Client (the privacy rules scope
// them to the caller's organization); changes to keys go through Keys.
type Resolver struct {
	Client *ent.Client
	Keys   *keys.Lifecycle
	// Events are the key events of this instance's subscribers (server/live).
	Events KeyEvents
}
