package graph

// Ent first (it writes graph/ent.graphqls), then gqlgen (as graph/gqlgen runs it: fields
// below the root inline, lists marshaled serially), then the one-file schema for
// clients (graph/schema.graphql); all from the module root.
//go:generate go run -C .. ./ent/entc.go
//go:generate go run -C .. ./graph/gqlgen
//go:generate go run -C .. ./graph/sdl
