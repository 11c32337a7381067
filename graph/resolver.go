// Package graph is the GraphQL API: gqlgen's executable schema over the Ent client.
package graph

import "apikeys/ent"

// Resolver is the root resolver.
type Resolver struct {
	Client *ent.Client
}
