package cli

// The typed client (generated.go) from graph/*.graphqls and operations.graphql.
//go:generate go tool genqlient
