package graph

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"entgo.io/contrib/entgql"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/keys"
	"apikeys/ent/predicate"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/user"
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

// then returns payload(v), or err.
func then[T, P any](v T, payload func(T) P, err error) (P, error) {
	if err != nil {
		var zero P
		return zero, err
	}
	return payload(v), nil
}

// withPeople is then for a mutation's payload of keys: the people its selection shows
// (creators, revokers) are loaded in one go.
func withPeople[T any, P any](ctx context.Context, v T, payload func(T) P, err error) (P, error) {
	if err != nil {
		var zero P
		return zero, err
	}
	var ks []*ent.APIKey
	switch v := any(v).(type) {
	case *ent.APIKey:
		ks = []*ent.APIKey{v}
	case *keys.Created:
		ks = []*ent.APIKey{v.Key}
	case *keys.Rotated:
		ks = []*ent.APIKey{v.Key, v.Previous}
	}
	if err := loadPeople(ctx, ent.FromContext(ctx), everyone, ks...); err != nil {
		var zero P
		return zero, err
	}
	return payload(v), nil
}

func keyPolicy(p keys.Policy) *KeyPolicy {
	return &KeyPolicy{MaxLifetimeDays: p.MaxLifetimeDays, RequireExpiry: p.RequireExpiry}
}

// revokedByName is who ended a key: a person ("Deleted user" once deleted), a service
// account, the system (an expiry or the end of a rotation's overlap) or a leak report;
// nil while active.
func revokedByName(ctx context.Context, k *ent.APIKey) (*string, error) {
	if k.Status != apikey.StatusREVOKED {
		return nil, nil
	}
	if k.RevokedByID == "" && k.RevokedByServiceAccountID == "" {
		if k.RevocationReason != nil && *k.RevocationReason == apikey.RevocationReasonLEAKED {
			return new(keys.LeakReporterName), nil
		}
		return new(keys.SystemName), nil
	}
	name, err := actorName(ctx, k, k.RevokedByID, k.RevokedByServiceAccountID,
		k.Edges.RevokedByOrErr, k.Edges.RevokedByServiceAccountOrErr,
		k.QueryRevokedBy, k.QueryRevokedByServiceAccount)
	return &name, err
}

// revokedByKind says what kind of actor ended a key; nil while active.
func revokedByKind(k *ent.APIKey) *ViewerKind {
	switch {
	case k.Status != apikey.StatusREVOKED:
		return nil
	case k.RevokedByID == "" && k.RevokedByServiceAccountID == "":
		return new(ViewerKindSystem)
	}
	return new(actorKind(k.RevokedByServiceAccountID))
}

// keyPage is the apiKeys field's arguments.
type keyPage struct {
	status  *apikey.Status
	search  *string
	after   *entgql.Cursor[pulid.ID]
	first   *int
	before  *entgql.Cursor[pulid.ID]
	last    *int
	orderBy *ent.APIKeyOrder
	where   *ent.APIKeyWhereInput
}

// pageOfKeys answers the apiKeys field. A whole tab (a status, no search, no filter)
// takes its totalCount from the tab counters, one row, where entgql's Paginate would
// COUNT every key of the tab (~15 ms at 100,000 keys): the page is then asked for
// without the count, and the counter set in its place.
func pageOfKeys(ctx context.Context, c *ent.Client, p keyPage) (*ent.APIKeyConnection, error) {
	first, last, err := pageSize(p.first, p.last)
	if err != nil {
		return nil, err
	}
	orderBy := p.orderBy
	if orderBy == nil {
		orderBy = defaultOrder(p.status)
	}
	q := c.APIKey.Query()
	search := p.search != nil && *p.search != ""
	if search {
		q.Where(searchKeys(*p.search))
	}
	wholeTab := p.status != nil && p.where == nil && !search
	if p.status != nil {
		q.Where(apikey.StatusEQ(*p.status))
	}
	var counts keys.Counts
	pageCtx := ctx
	if wholeTab {
		if counts, err = keys.CountsOf(ctx, c); err != nil {
			return nil, err
		}
		pageCtx = withoutCount(ctx)
	}
	conn, err := q.Paginate(pageCtx, p.after, first, p.before, last, ent.WithAPIKeyOrder(orderBy), ent.WithAPIKeyFilter(p.where.Filter))
	if err != nil {
		return nil, err
	}
	if wholeTab {
		conn.TotalCount = counts.Of(*p.status)
		if len(conn.Edges) == 0 && conn.TotalCount > 0 { // only counted, no page asked for
			conn.PageInfo.HasNextPage = first != nil && *first > 0
			conn.PageInfo.HasPreviousPage = last != nil && *last > 0
		}
	}
	nodes := make([]*ent.APIKey, len(conn.Edges))
	for i, e := range conn.Edges {
		nodes[i] = e.Node
	}
	return conn, loadPeople(ctx, c, neededByConnection(ctx), nodes...)
}

// withoutCount returns ctx with the field being resolved (a connection) reduced to its
// edges, so that Paginate neither counts (totalCount, pageInfo) nor loses what the
// edges select; Paginate builds pageInfo from the page itself.
func withoutCount(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return ctx
	}
	oc := graphql.GetOperationContext(ctx)
	var edges ast.SelectionSet
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{"APIKeyConnection"}) {
		if f.Name == "edges" {
			edges = append(edges, f.Field)
		}
	}
	reduced := *fc
	reduced.Field.Field = &ast.Field{
		Alias: fc.Field.Alias, Name: fc.Field.Name, Arguments: fc.Field.Arguments,
		Definition: fc.Field.Definition, ObjectDefinition: fc.Field.ObjectDefinition,
		Position: fc.Field.Position, SelectionSet: edges,
	}
	reduced.Field.Selections = edges
	return graphql.WithFieldContext(ctx, &reduced)
}

// optional is a list argument as the domain takes it: nil when the argument was null or
// left out, else the list (empty included).
func optional(list []string) *[]string {
	if list == nil {
		return nil
	}
	return &list
}

// pointers returns pointers to the elements of s (gqlgen's lists of objects).
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}
