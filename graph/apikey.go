package graph

import (
	"context"
	"maps"
	"slices"
	"strings"

	entgo "entgo.io/ent"
	"github.com/99designs/gqlgen/graphql"

	"entgo.io/contrib/entgql"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/organization"
	"apikeys/ent/predicate"
	"apikeys/ent/privacy"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
	"apikeys/server/keys"
)

// DeletedUser is shown for a person who has been deleted.
const DeletedUser = "Deleted user"

const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// pageSize applies the default and the cap to a connection's first and last.
func pageSize(first, last *int) (*int, *int, error) {
	for name, n := range map[string]*int{"first": first, "last": last} {
		if n != nil && (*n < 0 || *n > maxPageSize) {
			return nil, nil, badInput(name, name+" must be between 0 and 100")
		}
	}
	if first == nil && last == nil {
		n := defaultPageSize
		first = &n
	}
	return first, last, nil
}

// defaultOrder is the order of a list of keys that asks for none: newest first, and
// for the Revoked tab the latest revocation first.
func defaultOrder(status *apikey.Status) *ent.APIKeyOrder {
	if status != nil && *status == apikey.StatusREVOKED {
		return &ent.APIKeyOrder{Field: ent.APIKeyOrderFieldRevokedAt, Direction: entgql.OrderDirectionDesc}
	}
	return &ent.APIKeyOrder{Field: ent.APIKeyOrderFieldCreatedAt, Direction: entgql.OrderDirectionDesc}
}

// searchKeys finds keys by name, case-insensitively in every alphabet (the folded name
// written beside it), or by the end of the key as a masked key or a log shows it
// ("gak_…ExxQ", "…ExxQ"; "ExxQ" alone may be either).
func searchKeys(text string) predicate.APIKey {
	text = strings.TrimSpace(text)
	tail, marked := keys.Tail(text)
	if marked {
		return apikey.LastFourHasSuffix(tail)
	}
	byName := apikey.NameFoldedContains(schema.FoldName(text))
	if tail != "" {
		return apikey.Or(byName, apikey.LastFourHasSuffix(tail))
	}
	return byName
}

// actorKind says whether an actor was a person or a service account (its id is set).
func actorKind(serviceAccountID pulid.ID) ViewerKind {
	if serviceAccountID != "" {
		return ViewerKindServiceAccount
	}
	return ViewerKindUser
}

// peopleNeeded says which of loadPeople's queries a selection needs.
type peopleNeeded struct{ accounts, users bool }

var everyone = peopleNeeded{accounts: true, users: true}

// neededByConnection returns what the selection of the API key connection being
// resolved shows of its keys' people: a page of ids needs neither query.
func neededByConnection(ctx context.Context) peopleNeeded {
	fields, ok := nodeFields(ctx, "APIKey")
	if !ok {
		return everyone
	}
	var need peopleNeeded
	for name := range fields {
		switch name {
		case "serviceAccount":
			need.accounts = true
		case "createdByName", "revokedByName": // a person or a service account
			need.accounts, need.users = true, true
		}
	}
	return need
}

// nodeFields returns the names of the fields that the selection of the connection of
// nodeType being resolved asks of its nodes (fragments included); ok is false outside
// a GraphQL operation.
func nodeFields(ctx context.Context, nodeType string) (fields map[string]bool, ok bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil, false
	}
	oc := graphql.GetOperationContext(ctx)
	fields = map[string]bool{}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, []string{nodeType + "Connection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{nodeType + "Edge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{nodeType, "Node"}) {
				fields[f.Name] = true
			}
		}
	}
	return fields, true
}

// loadPeople loads what the APIKey fields show of the keys, as far as need asks: their
// service accounts and who created and revoked them, in at most two queries (service
// accounts, then people), whatever the number of keys. Ent's eager loading would take
// five, one per edge, each sent even when no key has that edge (the optional ids are
// empty strings).
func loadPeople(ctx context.Context, c *ent.Client, need peopleNeeded, ks ...*ent.APIKey) error {
	if len(ks) == 0 || need == (peopleNeeded{}) {
		return nil
	}
	saIDs := make(map[pulid.ID]struct{}, len(ks))
	userIDs := map[pulid.ID]struct{}{}
	for _, k := range ks {
		for _, id := range []pulid.ID{k.ServiceAccountID, k.CreatedByServiceAccountID, k.RevokedByServiceAccountID} {
			if id != "" {
				saIDs[id] = struct{}{}
			}
		}
		for _, id := range []pulid.ID{k.CreatedByID, k.RevokedByID} {
			if id != "" {
				userIDs[id] = struct{}{}
			}
		}
	}
	saByID := make(map[pulid.ID]*ent.ServiceAccount, len(saIDs))
	if need.accounts {
		sas, err := c.ServiceAccount.Query().Where(serviceaccount.IDIn(slices.Collect(maps.Keys(saIDs))...)).All(ctx)
		if err != nil {
			return err
		}
		for _, sa := range sas {
			saByID[sa.ID] = sa
		}
	}
	userByID := map[pulid.ID]*ent.User{}
	if need.users && len(userIDs) > 0 {
		users, err := c.User.Query().Where(user.IDIn(slices.Collect(maps.Keys(userIDs))...)).All(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			userByID[u.ID] = u
		}
	}
	// What is missing stays unloaded: the resolvers then query it (and report it).
	for _, k := range ks {
		k.Edges.ServiceAccount = saByID[k.ServiceAccountID]
		k.Edges.CreatedBy = userByID[k.CreatedByID]
		k.Edges.CreatedByServiceAccount = saByID[k.CreatedByServiceAccountID]
		k.Edges.RevokedBy = userByID[k.RevokedByID]
		k.Edges.RevokedByServiceAccount = saByID[k.RevokedByServiceAccountID]
	}
	return nil
}

// onlyQuery is an Ent query of one T.
type onlyQuery[T any] interface {
	Only(context.Context) (*T, error)
}

// loaded returns an edge loaded by loadPeople, or queries it (the query built only then).
func loaded[T any, Q onlyQuery[T]](ctx context.Context, edge func() (*T, error), query func() Q) (*T, error) {
	if e, err := edge(); err == nil {
		return e, nil
	}
	return query().Only(ctx)
}

// actorName names who did something: a person ("Deleted user" once deleted) or a
// service account. It returns "" when neither is set.
func actorName(ctx context.Context, k *ent.APIKey, userID, saID pulid.ID, user func() (*ent.User, error), sa func() (*ent.ServiceAccount, error), userQ func() *ent.UserQuery, saQ func() *ent.ServiceAccountQuery) (string, error) {
	switch {
	case userID != "":
		u, err := loaded(ctx, user, userQ)
		if err != nil {
			return "", err
		}
		if u.DeletedAt != nil {
			return DeletedUser, nil
		}
		return u.Name, nil
	case saID != "":
		s, err := loaded(ctx, sa, saQ)
		if err != nil {
			return "", err
		}
		return s.Name, nil
	}
	return "", nil
}

// adjustKeyCounts keeps the organization's tab counters, in the transaction of c that
// creates or revokes a key. The counters are bookkeeping of that change, which the
// privacy rules already allowed: hence the allow decision.
func adjustKeyCounts(ctx context.Context, c *ent.Client, org pulid.ID, active, revoked int) error {
	return c.Organization.UpdateOneID(org).
		AddActiveKeyCount(active).
		AddRevokedKeyCount(revoked).
		Exec(privacy.DecisionContext(ctx, privacy.Allow))
}

type knownCountKey struct{}

// UseTabCounters lets a connection of API keys take its count from the organization's
// tab counters when the resolver knows them (an unfiltered tab): entgql's Paginate
// counts the rows for totalCount and pageInfo, a COUNT over every key of the tab
// (~15 ms at 100,000 keys) where the counters answer from one row.
func UseTabCounters(c *ent.Client) {
	c.APIKey.Intercept(ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if n, ok := ctx.Value(knownCountKey{}).(int); ok && entgo.QueryFromContext(ctx).Op == entgo.OpQueryCount {
				return n, nil
			}
			return next.Query(ctx, q)
		})
	}))
}

// tabCount returns the count of the organization's keys of one status, from its counters.
func tabCount(ctx context.Context, c *ent.Client, status apikey.Status) (int, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return 0, Error(CodeUnauthenticated, "sign in or send an API key")
	}
	org, err := c.Organization.Query().Where(organization.ID(v.OrgID)).Only(ctx)
	if err != nil {
		return 0, err
	}
	if status == apikey.StatusREVOKED {
		return org.RevokedKeyCount, nil
	}
	return org.ActiveKeyCount, nil
}
