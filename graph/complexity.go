package graph

import (
	"math"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/schema/pulid"
)

// The costs of the complexity limit (server/app's complexityLimit), beyond gqlgen's one
// unit a field plus its selection.
const (
	// StatementCost is added to a field that runs statements of its own (a connection
	// counts and pages), so that many cheap-looking aliases still add up.
	StatementCost = 10
	// MutationCost is the cost of a mutation: each runs a transaction of several
	// statements (and createUser hashes a password); mutations run one after another.
	MutationCost = 100
)

// Complexity returns the costs of the API's fields: a connection costs its page size
// (first or last, default 50, at most 100) times the cost of one edge, so that aliases of
// full pages are refused; nodes costs its ids times one node.
func Complexity() ComplexityRoot {
	var c ComplexityRoot
	c.Query.APIKeys = func(child int, _ *apikey.Status, _ *string, _ *ent.Cursor, first *int, _ *ent.Cursor, last *int, _ *ent.APIKeyOrder, _ *ent.APIKeyWhereInput) int {
		return connectionCost(child, first, last)
	}
	c.Query.AuditEntries = func(child int, _ *ent.Cursor, first *int, _ *ent.Cursor, last *int, _ *ent.AuditEntryWhereInput) int {
		return connectionCost(child, first, last)
	}
	c.Query.Users = func(child int, _ *ent.Cursor, first *int, _ *ent.Cursor, last *int, _ *ent.UserWhereInput) int {
		return connectionCost(child, first, last)
	}
	c.Query.Nodes = func(child int, ids []pulid.ID) int { return listCost(child, len(ids)) }
	c.Query.Node = func(child int, _ pulid.ID) int { return listCost(child, 1) }
	c.Query.APIKeyCounts = func(child int) int { return listCost(child, 1) }
	c.Viewer.Organization = func(child int) int { return listCost(child, 1) }
	c.Mutation.CreateAPIKey = func(child int, _ CreateAPIKeyInput) int { return mutationCost(child) }
	c.Mutation.RevokeAPIKey = func(child int, _ RevokeAPIKeyInput) int { return mutationCost(child) }
	c.Mutation.CreateUser = func(child int, _ CreateUserInput) int { return mutationCost(child) }
	c.Mutation.DeleteUser = func(child int, _ DeleteUserInput) int { return mutationCost(child) }
	return c
}

// connectionCost is what a page of a connection costs: its statements and, for every
// row it may return, its selection (pageInfo and totalCount included, a little more
// than they cost).
func connectionCost(child int, first, last *int) int {
	n := 0
	for _, size := range []*int{first, last} {
		if size != nil {
			// The resolver refuses what is out of range, with a better message.
			n = max(n, min(max(*size, 0), maxPageSize))
		}
	}
	if first == nil && last == nil {
		n = defaultPageSize
	}
	return listCost(child, n)
}

// listCost is the cost of statements returning n items of cost child each (at least one
// item: an empty page still counts).
func listCost(child, n int) int {
	n = max(n, 1)
	if child > (math.MaxInt-StatementCost)/n {
		return math.MaxInt
	}
	return StatementCost + n*child
}

func mutationCost(child int) int {
	if child > math.MaxInt-MutationCost {
		return math.MaxInt
	}
	return MutationCost + child
}
