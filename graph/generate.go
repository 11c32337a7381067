package graph

// Ent first (it writes graph/ent.graphqls), then gqlgen, then the one-file schema for
// clients (graph/schema.graphql); all from the module root.
//go:generate go run -C .. ./ent/entc.go
//go:generate go run -C .. github.com/99designs/gqlgen
//go:generate go run -C .. ./graph/sdl
