package graph

// Ent first (it writes graph/ent.graphqls), then gqlgen; both from the module root.
//go:generate go run -C .. ./ent/entc.go
//go:generate go run -C .. github.com/99designs/gqlgen
