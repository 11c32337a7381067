package graph

import (
	"cmp"
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

// peopleNeeded says which of loadPeople's queries a selection needs, and whether it
// shows the keys' service accounts (serviceAccount) or only names people and accounts.
type peopleNeeded struct{ accounts, users, shownAccounts bool }

var everyone = peopleNeeded{accounts: true, users: true, shownAccounts: true}

// neededByField returns what the selection of the field being resolved, a key (node,
// nodes, replaces, replacedBy), shows of its people.
func neededByField(ctx context.Context) peopleNeeded {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return everyone
	}
	fields := map[string]bool{}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{"APIKey", "Node"}) {
		fields[f.Name] = true
	}
	return neededBy(fields)
}

// neededBy returns what a selection of APIKey fields shows of the keys' people.
func neededBy(fields map[string]bool) peopleNeeded {
	var need peopleNeeded
	for name := range fields {
		switch name {
		case "serviceAccount":
			need.accounts, need.shownAccounts = true, true
		case "createdByName", "revokedByName": // a person or a service account
			need.accounts, need.users = true, true
		}
	}
	return need
}

// columns returns the key columns that loadPeople reads for need.
func (need peopleNeeded) columns() []string {
	var cols []string
	if need.accounts {
		cols = append(cols, apikey.FieldServiceAccountID, apikey.FieldCreatedByServiceAccountID, apikey.FieldRevokedByServiceAccountID)
	}
	if need.users {
		cols = append(cols, apikey.FieldCreatedByID, apikey.FieldRevokedByID)
	}
	return cols
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

// loadPeople loads what the APIKey fields show of the keys, as far as need asks and
// they do not have it yet: their service accounts and who created and revoked them, in
// at most two queries (service accounts, then people), whatever the number of keys;
// of whom is only named, the columns of the name.
// Ent's eager loading would take five, one per edge, each sent even when no key has
// that edge (the optional ids are empty strings). The queries read as the viewer: the
// privacy rules keep other organizations' people out.
func loadPeople(ctx context.Context, c *ent.Client, need peopleNeeded, ks ...*ent.APIKey) error {
	if len(ks) == 0 || need == (peopleNeeded{}) {
		return nil
	}
	saIDs := make(map[pulid.ID]struct{}, len(ks))
	userIDs := map[pulid.ID]struct{}{}
	for _, k := range ks {
		e := k.Edges
		if need.shownAccounts {
			addMissing(saIDs, k.ServiceAccountID, e.ServiceAccount)
		}
		addMissing(saIDs, k.CreatedByServiceAccountID, e.CreatedByServiceAccount)
		addMissing(saIDs, k.RevokedByServiceAccountID, e.RevokedByServiceAccount)
		addMissing(userIDs, k.CreatedByID, e.CreatedBy)
		addMissing(userIDs, k.RevokedByID, e.RevokedBy)
	}
	if need.accounts && len(saIDs) > 0 {
		q := c.ServiceAccount.Query().Where(serviceaccount.IDIn(slices.Collect(maps.Keys(saIDs))...))
		if need.shownAccounts {
			q.ForShown()
		} else {
			q.ForNames()
		}
		sas, err := q.All(ctx)
		if err != nil {
			return err
		}
		byID := make(map[pulid.ID]*ent.ServiceAccount, len(sas))
		for _, sa := range sas {
			byID[sa.ID] = sa
		}
		for _, k := range ks {
			k.Edges.ServiceAccount = cmp.Or(k.Edges.ServiceAccount, byID[k.ServiceAccountID])
			k.Edges.CreatedByServiceAccount = cmp.Or(k.Edges.CreatedByServiceAccount, byID[k.CreatedByServiceAccountID])
			k.Edges.RevokedByServiceAccount = cmp.Or(k.Edges.RevokedByServiceAccount, byID[k.RevokedByServiceAccountID])
		}
	}
	if need.users && len(userIDs) > 0 {
		users, err := c.User.Query().Where(user.IDIn(slices.Collect(maps.Keys(userIDs))...)).ForNames().All(ctx)
		if err != nil {
			return err
		}
		byID := make(map[pulid.ID]*ent.User, len(users))
		for _, u := range users {
			byID[u.ID] = u
		}
		for _, k := range ks {
			k.Edges.CreatedBy = cmp.Or(k.Edges.CreatedBy, byID[k.CreatedByID])
			k.Edges.RevokedBy = cmp.Or(k.Edges.RevokedBy, byID[k.RevokedByID])
		}
	}
	// What is missing stays unloaded: the key's fields report it.
	return nil
}

// addMissing adds id to ids when it is set and its edge not loaded.
func addMissing[T any](ids map[pulid.ID]struct{}, id pulid.ID, edge *T) {
	if id != "" && edge == nil {
		ids[id] = struct{}{}
	}
}

// keyWithPeople is then for a key reached through another (replaces, replacedBy): the
// people its selection shows are loaded, in the mutation's transaction if there is one.
func keyWithPeople(ctx context.Context, c *ent.Client, k *ent.APIKey, err error) (*ent.APIKey, error) {
	if err != nil || k == nil {
		return k, err
	}
	return k, loadPeople(ctx, cmp.Or(ent.FromContext(ctx), c), neededByField(ctx), k)
}

// nodeWithPeople is then for node: the people the selection shows of a key are loaded.
func nodeWithPeople(ctx context.Context, c *ent.Client, n ent.Noder, err error) (ent.Noder, error) {
	if k, ok := n.(*ent.APIKey); ok && err == nil {
		return n, loadPeople(ctx, c, neededByField(ctx), k)
	}
	return n, err
}

// nodesWithPeople is then for nodes: the people the selection shows of the keys
// among ns (those found) are loaded.
func nodesWithPeople(ctx context.Context, c *ent.Client, ns []ent.Noder, err error) ([]ent.Noder, error) {
	var ks []*ent.APIKey
	for _, n := range ns {
		if k, ok := n.(*ent.APIKey); ok && k != nil {
			ks = append(ks, k)
		}
	}
	if lerr := loadPeople(ctx, c, neededByField(ctx), ks...); lerr != nil {
		return nil, lerr
	}
	return ns, err
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
	// A page reads only the columns its selection shows, and needs only the people it
	// shows (a page of ids neither query).
	need := everyone
	if fields, ok := nodeFields(ctx, "APIKey"); ok {
		need = neededBy(fields)
		q.SelectShown(fields, need.columns()...)
	}
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
	return conn, loadPeople(ctx, c, need, nodes...)
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
