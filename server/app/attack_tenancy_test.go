package app_test

// A tenancy attack suite generated from the schema by introspection: every Query field,
// every ID argument, every ID field of every where input (one has…With level down),
// every cursor argument, every orderBy value and every Mutation field with an ID in its
// input is tried with organization B's ids by each of organization A's callers, so a new
// field, argument or where-input field is attacked without anyone remembering to.
//
// What the generator found when this file was written (it logs the same at run time):
//
//	Query fields with ID arguments:   node(id), nodes(ids)
//	Query fields without:             apiKeyCounts, apiKeys, auditEntries, users, viewer
//	connections (where/after/before): apiKeys (APIKeyWhereInput, APIKeyOrder),
//	                                  auditEntries (AuditEntryWhereInput), users (UserWhereInput)
//	ID fields of the where inputs:    APIKey: id id{NEQ,In,NotIn,GT,GTE,LT,LTE},
//	                                  hasServiceAccountWith.{id…} (the same 8);
//	                                  AuditEntry: id…, actorID…, targetID… (with Contains,
//	                                  HasPrefix, HasSuffix, EqualFold, ContainsFold);
//	                                  User: id…
//	orderBy:                          APIKeyOrderField {CREATED_AT, REVOKED_AT, LAST_USED_AT} × {ASC, DESC}
//	Mutations with an ID in input:    revokeAPIKey(input.id), deleteUser(input.id)
//	Mutations without (skipped):      createAPIKey, createUser (they create, never address a row)
//	node types (inline fragments):    APIKey, AuditEntry, Organization, ServiceAccount, User
//
// Attackers: A's admin (session), A's ADMIN key, A's VIEWER key, A's member (session).
// Checks, for every generated case: no id, name or email of B anywhere in the answer
// (errors may only repeat what was sent); error codes NOT_FOUND or FORBIDDEN (or, for a
// connection, the code its plain query gets, e.g. users: FORBIDDEN for non-admins; for
// B's cursors also BAD_USER_INPUT); B's id answers exactly as an id that exists nowhere
// with the same prefix (no existence oracle); connections return only the attacker's own
// rows, with the totalCount the filter gives on those rows alone. The expected count is
// computed here by evaluating the where input in Go over the attacker's own rows
// (three-valued, as SQL is). Equality predicates get every id of B; orderings and
// substrings (GT…, Contains…) one id of B per type. Mutations must leave B (counts, users,
// audit trail, its key working) and A's audit trail unchanged. Sanity: at least so many
// cases of each kind, and the same queries and mutations return or change A's own rows
// when given A's own ids, so that every check could fail.
//
// One more rule comes out of the same cases: an object whose list a caller is refused
// (users is FORBIDDEN to keys and members) must not be readable by id through node()
// either.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestAttackTenancy(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		start := time.Now()
		a := atkNewOrg(t, s, "Alpha")
		b := atkNewOrg(t, s, "Bravo")
		w := &atkWorld{t: t, s: s, a: a, b: b, cases: map[string]int{}}
		w.bIDs = b.view.ids
		w.aIDs = a.view.ids
		w.bSecrets = b.view.secrets
		w.missing = atkMissingIDs(append(append([]string{}, w.aIDs...), w.bIDs...))
		t.Logf("setup %v: B has %d ids, %d cursors, %d secret strings; A has %d ids",
			time.Since(start).Round(time.Millisecond), len(w.bIDs), len(b.view.cursors), len(w.bSecrets), len(w.aIDs))

		attackers := []*atkAttacker{
			{who: "A admin (session)", c: a.t.admin},
			{who: "A ADMIN key", c: s.integration(a.adminKey.Secret)},
			{who: "A VIEWER key", c: s.integration(a.viewerKey.Secret)},
			{who: "A member (session)", c: a.member},
		}
		for _, att := range attackers {
			w.attack(att)
		}
		w.mutationsWorkOnOwnIDs(attackers[0])

		kinds := make([]string, 0, len(w.cases))
		total := 0
		for k, n := range w.cases {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
			total += n
		}
		sort.Strings(kinds)
		t.Logf("%d generated cases in %v: %s", total, time.Since(start).Round(time.Millisecond), strings.Join(kinds, " "))
		// The generator must have generated something, and its queries must be able to
		// succeed: with the attacker's own ids they return the attacker's own rows.
		for kind, min := range map[string]int{
			"query.byID": 100, "query.plain": 4, "where": 1000, "where.combo": 40, "where.own": 40,
			"cursor": 20, "orderBy": 20, "mutation": 50, "query.own": 40, "where.positive": 40,
			"cursor.own": 4, "mutation.own": 2,
		} {
			if w.cases[kind] < min {
				t.Errorf("only %d %s cases generated, want at least %d: the generator lost coverage", w.cases[kind], kind, min)
			}
		}
		if total <= 50 {
			t.Errorf("only %d cases generated", total)
		}
	})
}

// ---------------------------------------------------------------------------------
// The two organizations.

type atkOrg struct {
	name                           string
	t                              *tenant
	member                         *client
	adminKey, viewerKey, revokedKy createdKey
	memberID, goneID               string
	view                           atkOrgView
}

// atkOrgView is what an organization's admin sees of it: every id, the connection
// cursors, and the strings that must never reach another organization.
type atkOrgView struct {
	ids     []string
	kindOf  map[string]string
	cursors []string
	secrets []string
}

const atkPassword = "a long enough password"

// atkNewOrg creates an organization with its admin, a MEMBER user (signed in), a deleted
// user, an ACTIVE ADMIN key, an ACTIVE VIEWER key and a REVOKED key (revoked by the
// ADMIN key), each leaving its audit entries.
func atkNewOrg(t *testing.T, s *server, name string) *atkOrg {
	t.Helper()
	o := &atkOrg{name: name, t: s.newTenant(name)}
	admin := o.t.admin
	mkUser := func(who string) (string, string) {
		email := strings.ToLower(name) + "-" + who + "@example.com"
		var out struct {
			CreateUser struct{ User struct{ ID string } }
		}
		admin.must(&out, `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`, map[string]any{"in": map[string]any{
			"name": name + " " + who, "email": email, "password": atkPassword, "role": "MEMBER",
		}})
		return out.CreateUser.User.ID, email
	}
	var memberEmail, goneEmail string
	o.memberID, memberEmail = mkUser("member")
	o.member = s.browser()
	if r := o.member.login(memberEmail, atkPassword); r.Status != http.StatusOK {
		t.Fatalf("member login: %s", r.Body)
	}
	o.goneID, goneEmail = mkUser("departed")
	admin.must(nil, `mutation($id: ID!) { deleteUser(input: {id: $id}) { deletedUserId } }`, map[string]any{"id": o.goneID})

	o.adminKey = admin.createKey(name+" Admin Integration", "ADMIN")
	o.viewerKey = admin.createKey(name+" Viewer Integration", "VIEWER")
	o.revokedKy = admin.createKey(name+" Retired Integration", "VIEWER")
	s.integration(o.adminKey.Secret).must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": o.revokedKy.ID})
	s.integration(o.viewerKey.Secret).must(nil, `{ viewer { id } }`, nil) // sets lastUsedAt
	o.member.must(nil, `{ viewer { id } }`, nil)

	o.view = o.collect(t)
	o.view.secrets = atkUnique(append(o.view.secrets, name, strings.ToLower(name), goneEmail, name+" departed",
		o.adminKey.Secret, o.viewerKey.Secret, o.revokedKy.Secret))
	if o.view.kindOf[o.goneID] == "" {
		t.Fatalf("%s: the deleted user's id is not in the organization's own audit trail", name)
	}
	return o
}

// collect takes the organization's ids and cursors from its own admin's queries.
func (o *atkOrg) collect(t *testing.T) atkOrgView {
	t.Helper()
	type pageInfo struct{ StartCursor, EndCursor string }
	var out struct {
		Viewer struct {
			ID           string
			Organization struct{ ID, Name string }
		}
		Users struct {
			PageInfo pageInfo
			Edges    []struct {
				Node struct{ ID, Name, Email string }
			}
		}
		APIKeys struct {
			PageInfo pageInfo
			Edges    []struct {
				Node struct {
					ID, Name       string
					ServiceAccount struct{ ID, Name string }
				}
			}
		}
		AuditEntries struct {
			PageInfo pageInfo
			Edges    []struct {
				Node struct {
					ID, TargetID, TargetKind, ActorName, TargetName string
					ActorID                                         *string
					ActorKind                                       string
				}
			}
		}
	}
	o.t.admin.must(&out, `{
  viewer { id organization { id name } }
  users(first: 100) { pageInfo { startCursor endCursor } edges { node { id name email } } }
  apiKeys(first: 100) { pageInfo { startCursor endCursor } edges { node { id name serviceAccount { id name } } } }
  auditEntries(first: 100) { pageInfo { startCursor endCursor } edges { node { id actorID actorKind actorName targetID targetKind targetName } } }
}`, nil)
	v := atkOrgView{kindOf: map[string]string{}}
	add := func(id, kind string) {
		if id != "" && v.kindOf[id] == "" {
			v.kindOf[id] = kind
			v.ids = append(v.ids, id)
		}
	}
	add(out.Viewer.Organization.ID, "organization")
	v.secrets = append(v.secrets, out.Viewer.Organization.Name)
	for _, e := range out.Users.Edges {
		add(e.Node.ID, "user")
		v.secrets = append(v.secrets, e.Node.Name, e.Node.Email)
	}
	for _, e := range out.APIKeys.Edges {
		add(e.Node.ID, "api key")
		add(e.Node.ServiceAccount.ID, "service account")
		v.secrets = append(v.secrets, e.Node.Name, e.Node.ServiceAccount.Name)
	}
	for _, e := range out.AuditEntries.Edges {
		add(e.Node.ID, "audit entry")
		add(e.Node.TargetID, "audit target "+strings.ToLower(e.Node.TargetKind))
		if e.Node.ActorID != nil {
			add(*e.Node.ActorID, "audit actor "+strings.ToLower(e.Node.ActorKind))
		}
		for _, n := range []string{e.Node.ActorName, e.Node.TargetName} {
			if strings.Contains(n, o.name) {
				v.secrets = append(v.secrets, n)
			}
		}
	}
	for _, p := range []pageInfo{out.Users.PageInfo, out.APIKeys.PageInfo, out.AuditEntries.PageInfo} {
		v.cursors = append(v.cursors, p.StartCursor, p.EndCursor)
	}
	v.cursors = atkUnique(v.cursors)
	v.secrets = append(v.secrets, v.ids...)
	if len(out.AuditEntries.Edges) < 8 || len(out.APIKeys.Edges) != 3 || len(out.Users.Edges) != 2 {
		t.Fatalf("%s: unexpected setup: %d audit entries, %d keys, %d users", o.name,
			len(out.AuditEntries.Edges), len(out.APIKeys.Edges), len(out.Users.Edges))
	}
	return v
}

// atkMissingIDs returns, for every id prefix in ids, an id with that prefix that exists
// nowhere.
func atkMissingIDs(ids []string) map[string]string {
	m := map[string]string{}
	for _, id := range ids {
		p := atkPrefix(id)
		m[p] = p + "_01J" + strings.Repeat("Z", 23)
	}
	return m
}

func atkPrefix(id string) string {
	p, _, _ := strings.Cut(id, "_")
	return p
}

// ---------------------------------------------------------------------------------
// Introspection.

const atkIntrospection = `query AttackIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name defaultValue type { ...TypeRef } } type { ...TypeRef } }
      inputFields { name defaultValue type { ...TypeRef } }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
    }
  }
}
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

type atkTypeRef struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	OfType *atkTypeRef `json:"ofType"`
}

// base is the named type under NON_NULL and LIST.
func (r *atkTypeRef) base() *atkTypeRef {
	for r.Kind == "NON_NULL" || r.Kind == "LIST" {
		r = r.OfType
	}
	return r
}

// gql writes the type as in a variable declaration, e.g. [ID!]!.
func (r *atkTypeRef) gql() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.gql() + "!"
	case "LIST":
		return "[" + r.OfType.gql() + "]"
	}
	return r.Name
}

func (r *atkTypeRef) required() bool { return r.Kind == "NON_NULL" }

func (r *atkTypeRef) list() bool {
	if r.Kind == "NON_NULL" {
		r = r.OfType
	}
	return r.Kind == "LIST"
}

func (r *atkTypeRef) isID() bool { return r.base().Name == "ID" }

type atkInputValue struct {
	Name         string     `json:"name"`
	DefaultValue *string    `json:"defaultValue"`
	Type         atkTypeRef `json:"type"`
}

type atkField struct {
	Name string          `json:"name"`
	Args []atkInputValue `json:"args"`
	Type atkTypeRef      `json:"type"`
}

func (f *atkField) arg(name string) *atkInputValue {
	for i := range f.Args {
		if f.Args[i].Name == name {
			return &f.Args[i]
		}
	}
	return nil
}

type atkType struct {
	Kind          string                  `json:"kind"`
	Name          string                  `json:"name"`
	Fields        []atkField              `json:"fields"`
	InputFields   []atkInputValue         `json:"inputFields"`
	EnumValues    []struct{ Name string } `json:"enumValues"`
	PossibleTypes []struct{ Name string } `json:"possibleTypes"`
}

func (t *atkType) field(name string) *atkField {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

type atkSchema struct {
	types           map[string]*atkType
	query, mutation *atkType
}

func atkIntrospect(t *testing.T, c *client) *atkSchema {
	t.Helper()
	var out struct {
		Schema struct {
			QueryType    struct{ Name string }
			MutationType *struct{ Name string }
			Types        []*atkType
		} `json:"__schema"`
	}
	c.must(&out, atkIntrospection, nil)
	sc := &atkSchema{types: map[string]*atkType{}}
	for _, ty := range out.Schema.Types {
		sc.types[ty.Name] = ty
	}
	sc.query = sc.types[out.Schema.QueryType.Name]
	if out.Schema.MutationType != nil {
		sc.mutation = sc.types[out.Schema.MutationType.Name]
	}
	if sc.query == nil || len(sc.query.Fields) == 0 {
		t.Fatal("introspection found no Query fields")
	}
	return sc
}

func atkHasRequiredArgs(args []atkInputValue) bool {
	for _, a := range args {
		if a.Type.required() && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// selection selects every field without required arguments, objects depth levels
// down, and every possible type of an interface or union by an inline fragment.
func (sc *atkSchema) selection(typeName string, depth int) string {
	return sc.selectionAs(typeName, depth, "")
}

// selectionAs aliases the fields (but __typename and id) name_Type inside the inline
// fragment of Type, since fields of the same name may have different types (User.role
// and ServiceAccount.role), which GraphQL refuses to merge.
func (sc *atkSchema) selectionAs(typeName string, depth int, inFragment string) string {
	ty := sc.types[typeName]
	if ty == nil || ty.Kind == "SCALAR" || ty.Kind == "ENUM" {
		return ""
	}
	parts := []string{"__typename"}
	for _, f := range ty.Fields {
		if strings.HasPrefix(f.Name, "__") || atkHasRequiredArgs(f.Args) {
			continue
		}
		name := f.Name
		if inFragment != "" && name != "id" {
			name = f.Name + "_" + inFragment + ": " + f.Name
		}
		switch b := f.Type.base(); b.Kind {
		case "SCALAR", "ENUM":
			parts = append(parts, name)
		case "OBJECT", "INTERFACE", "UNION":
			if depth > 0 {
				parts = append(parts, name+" { "+sc.selection(b.Name, depth-1)+" }")
			}
		}
	}
	if ty.Kind == "INTERFACE" || ty.Kind == "UNION" {
		for _, p := range ty.PossibleTypes {
			parts = append(parts, "... on "+p.Name+" { "+sc.selectionAs(p.Name, depth, p.Name)+" }")
		}
	}
	return strings.Join(parts, " ")
}

// sample is a plain value of a type, for required arguments that are not IDs.
func (sc *atkSchema) sample(r *atkTypeRef) (any, bool) {
	switch r.Kind {
	case "NON_NULL":
		return sc.sample(r.OfType)
	case "LIST":
		v, ok := sc.sample(r.OfType)
		return []any{v}, ok
	}
	switch r.Name {
	case "String":
		return "attack", true
	case "Int":
		return 1, true
	case "Float":
		return 1.5, true
	case "Boolean":
		return false, true
	case "Time":
		return time.Now().UTC().Format(time.RFC3339), true
	}
	ty := sc.types[r.Name]
	switch {
	case ty == nil:
		return nil, false
	case ty.Kind == "ENUM" && len(ty.EnumValues) > 0:
		return ty.EnumValues[0].Name, true
	case ty.Kind == "INPUT_OBJECT":
		m := map[string]any{}
		for _, f := range ty.InputFields {
			if f.Type.required() && f.DefaultValue == nil {
				v, ok := sc.sample(&f.Type)
				if !ok {
					return nil, false
				}
				m[f.Name] = v
			}
		}
		return m, true
	}
	return nil, false
}

// args builds arguments (or an input object's fields): every ID slot (ID or [ID!]) is
// set to id, input objects are walked depth levels down (not into themselves, so not
// into not/and/or), other required values are sampled. It returns how many ID slots
// it filled and whether every required value could be built.
func (sc *atkSchema) args(owner string, defs []atkInputValue, id func(list bool) any, depth int) (map[string]any, int, bool) {
	m, n, ok := map[string]any{}, 0, true
	for _, d := range defs {
		b := d.Type.base()
		switch {
		case b.Name == "ID":
			m[d.Name] = id(d.Type.list())
			n++
		case b.Kind == "INPUT_OBJECT" && b.Name != owner && depth > 0:
			sub, k, subOK := sc.args(b.Name, sc.types[b.Name].InputFields, id, depth-1)
			if k > 0 || d.Type.required() {
				ok = ok && subOK
				n += k
				if d.Type.list() {
					m[d.Name] = []any{sub}
				} else {
					m[d.Name] = sub
				}
			}
		case d.Type.required() && d.DefaultValue == nil:
			v, sOK := sc.sample(&d.Type)
			ok = ok && sOK
			m[d.Name] = v
		}
	}
	return m, n, ok
}

// ---------------------------------------------------------------------------------
// Running many root fields in one request, by aliases.

type atkCall struct {
	field *atkField
	args  map[string]any
	sel   string
}

type atkRes struct {
	data     json.RawMessage // the alias's data, "null" when absent
	dataNull bool            // the response's data is null altogether
	errs     []gqlError      // errors under the alias, the alias removed from their path
	status   int
	body     string // the whole response, for messages
	doc      string
	vars     map[string]any
}

func (c atkCall) cost() int {
	n := 2
	for _, w := range strings.FieldsFunc(c.sel, func(r rune) bool { return !unicode.IsLetter(r) && r != '_' }) {
		if w != "on" {
			n++
		}
	}
	return n
}

// exec runs the calls as one operation and splits the answer by alias.
func atkExec(c *client, op string, calls []atkCall) []atkRes {
	c.t.Helper()
	var decls, fields []string
	vars := map[string]any{}
	for i, call := range calls {
		alias := fmt.Sprintf("c%d", i)
		var as []string
		for _, a := range call.field.Args {
			v, ok := call.args[a.Name]
			if !ok {
				continue
			}
			vn := alias + "_" + a.Name
			decls = append(decls, "$"+vn+": "+a.Type.gql())
			vars[vn] = v
			as = append(as, a.Name+": $"+vn)
		}
		f := alias + ": " + call.field.Name
		if len(as) > 0 {
			f += "(" + strings.Join(as, ", ") + ")"
		}
		if call.sel != "" {
			f += " { " + call.sel + " }"
		}
		fields = append(fields, f)
	}
	doc := op + " Attack"
	if len(decls) > 0 {
		doc += "(" + strings.Join(decls, ", ") + ")"
	}
	doc += " {\n  " + strings.Join(fields, "\n  ") + "\n}"
	r := c.gql(doc, vars)

	var data map[string]json.RawMessage
	if len(r.Data) > 0 {
		_ = json.Unmarshal(r.Data, &data)
	}
	out := make([]atkRes, len(calls))
	for i := range out {
		d := data[fmt.Sprintf("c%d", i)]
		if len(d) == 0 {
			d = json.RawMessage("null")
		}
		out[i] = atkRes{data: d, dataNull: data == nil, status: r.Status, body: r.Body, doc: doc, vars: vars}
	}
	for _, e := range r.Errors {
		if len(e.Path) > 0 {
			if alias, ok := e.Path[0].(string); ok && strings.HasPrefix(alias, "c") {
				var i int
				if _, err := fmt.Sscanf(alias, "c%d", &i); err == nil && i < len(out) {
					e.Path = e.Path[1:]
					out[i].errs = append(out[i].errs, e)
					continue
				}
			}
		}
		for i := range out { // an error of the whole request
			out[i].errs = append(out[i].errs, e)
		}
	}
	return out
}

// execAll runs calls in requests under the complexity limit, halving a request that
// is refused as too complex or too deep.
func atkExecAll(c *client, op string, calls []atkCall) []atkRes {
	c.t.Helper()
	const budget = 700
	var out []atkRes
	for len(calls) > 0 {
		n, cost := 0, 0
		for n < len(calls) && (n == 0 || cost+calls[n].cost() <= budget) && (op != "mutation" || n == 0) {
			cost += calls[n].cost()
			n++
		}
		res := atkExec(c, op, calls[:n])
		// Split a request refused as too complex or too deep, and one whose data is
		// null altogether: an error in a non-null root field (users: FORBIDDEN) nulls
		// every other alias, which would make their checks vacuous.
		if n > 1 && res[0].dataNull {
			res = res[:0]
			for _, call := range calls[:n] {
				res = append(res, atkExec(c, op, []atkCall{call})...)
			}
		}
		out = append(out, res...)
		calls = calls[n:]
	}
	return out
}

func (r atkRes) codes() []string {
	var cs []string
	for _, e := range r.errs {
		c, _ := e.Extensions["code"].(string)
		cs = append(cs, c)
	}
	return cs
}

// normalized is the answer with the values sent replaced, to compare the answer for
// B's id with the answer for an id that exists nowhere.
func (r atkRes) normalized(sent ...string) string {
	type e struct {
		Message string
		Code    any
		Path    []any
	}
	es := make([]e, len(r.errs))
	for i, x := range r.errs {
		es[i] = e{x.Message, x.Extensions["code"], x.Path}
	}
	b, _ := json.Marshal(struct {
		Data   json.RawMessage
		Errors []e
	}{r.data, es})
	s := string(b)
	for _, x := range sent {
		if x != "" {
			s = strings.ReplaceAll(s, x, "<sent>")
		}
	}
	return s
}

func (r atkRes) describe() string {
	vars, _ := json.Marshal(r.vars)
	body := r.body
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	doc := r.doc
	if len(doc) > 1500 {
		doc = doc[:1500] + "…"
	}
	return fmt.Sprintf("\n  request:  %s\n  vars:     %.1500s\n  response: HTTP %d %s", doc, vars, r.status, body)
}

// ---------------------------------------------------------------------------------
// The attack.

type atkWorld struct {
	t                  *testing.T
	s                  *server
	a, b               *atkOrg
	aIDs, bIDs         []string
	bSecrets           []string
	missing            map[string]string // prefix → an id that exists nowhere
	cases              map[string]int
	loggedCoverageOnce bool
}

type atkAttacker struct {
	who   string
	c     *client
	id    string // the attacker's own user or service account id
	fails map[string]int
}

func (w *atkWorld) fail(att *atkAttacker, kind, format string, args ...any) {
	w.t.Helper()
	att.fails[kind]++
	if att.fails[kind] <= 6 {
		w.t.Errorf("[%s] %s: "+format, append([]any{att.who, kind}, args...)...)
	}
}

// leaks returns B's strings found in an answer: anywhere in its data, and in its
// errors except where they repeat what was sent.
func (w *atkWorld) leaks(r atkRes, sent ...string) []string {
	var found []string
	errs, _ := json.Marshal(r.errs)
	es := string(errs)
	for _, x := range sent {
		if x != "" {
			es = strings.ReplaceAll(es, x, "<sent>")
		}
	}
	for _, sec := range w.bSecrets {
		if sec != "" && (strings.Contains(string(r.data), sec) || strings.Contains(es, sec)) {
			found = append(found, sec)
		}
	}
	return found
}

// conn is a connection field as the attacker sees it.
type atkConn struct {
	field    *atkField
	nodeType *atkType
	forbid   string // the code of the plain query's error, "" when it works
	rows     []map[string]any
	ids      map[string]bool
	cursors  []string
	idSel    string
}

func (w *atkWorld) attack(att *atkAttacker) {
	t := w.t
	t.Helper()
	att.fails = map[string]int{}
	lap := time.Now()
	// Its own object: the person, or the key's service account.
	var me struct {
		Viewer struct {
			User, ServiceAccount *struct{ ID string }
		}
	}
	att.c.must(&me, `{ viewer { user { id } serviceAccount { id } } }`, nil)
	if u := me.Viewer.User; u != nil {
		att.id = u.ID
	} else {
		att.id = me.Viewer.ServiceAccount.ID
	}

	sc := atkIntrospect(t, att.c)
	conns := w.connections(att, sc)
	if !w.loggedCoverageOnce {
		w.loggedCoverageOnce = true
		w.logCoverage(sc, conns)
	}
	var phases []string
	phase := func(name string) {
		phases = append(phases, fmt.Sprintf("%s %v", name, time.Since(lap).Round(time.Millisecond)))
		lap = time.Now()
	}
	phase("introspection+snapshot")
	w.queryFields(att, sc, conns)
	phase("query fields")
	for _, cn := range conns {
		w.whereFilters(att, sc, cn)
	}
	phase("where")
	for _, cn := range conns {
		w.cursorArgs(att, cn)
		w.orderBy(att, sc, cn)
	}
	phase("cursors+orderBy")
	w.mutations(att, sc)
	phase("mutations")
	t.Logf("[%s] %s", att.who, strings.Join(phases, ", "))
	for kind, n := range att.fails {
		if n > 6 {
			t.Errorf("[%s] %s: %d failures in all (the first 6 shown)", att.who, kind, n)
		}
	}
}

func (w *atkWorld) logCoverage(sc *atkSchema, conns []*atkConn) {
	var withID, without, muts, skipped []string
	for _, f := range sc.query.Fields {
		var ids []string
		for _, a := range f.Args {
			if a.Type.isID() {
				ids = append(ids, a.Name)
			}
		}
		if len(ids) > 0 {
			withID = append(withID, f.Name+"("+strings.Join(ids, ",")+")")
		} else {
			without = append(without, f.Name)
		}
	}
	for _, cn := range conns {
		var ws []string
		if wa := cn.field.arg("where"); wa != nil {
			for _, p := range atkIDPaths(sc, wa.Type.base().Name) {
				ws = append(ws, p.String())
			}
		}
		var orders []string
		if oa := cn.field.arg("orderBy"); oa != nil {
			for _, o := range atkOrders(sc, oa.Type.base().Name) {
				b, _ := json.Marshal(o)
				orders = append(orders, string(b))
			}
		}
		w.t.Logf("connection %s of %s: where ID fields %v; orderBy %v", cn.field.Name, cn.nodeType.Name, ws, orders)
	}
	if sc.mutation != nil {
		for _, f := range sc.mutation.Fields {
			if _, n, _ := sc.args(sc.mutation.Name, f.Args, func(bool) any { return "" }, 2); n > 0 {
				muts = append(muts, f.Name)
			} else {
				skipped = append(skipped, f.Name)
			}
		}
	}
	var nodeTypes []string
	if n := sc.types["Node"]; n != nil {
		for _, p := range n.PossibleTypes {
			nodeTypes = append(nodeTypes, p.Name)
		}
	}
	w.t.Logf("query fields with ID arguments %v, without %v; mutations with IDs %v, without (skipped) %v; node types %v",
		withID, without, muts, skipped, nodeTypes)
}

// connections finds the Query fields of a Connection type and takes the attacker's own
// rows of each, with every ID field of the node and of its objects one level down.
func (w *atkWorld) connections(att *atkAttacker, sc *atkSchema) []*atkConn {
	var conns []*atkConn
	for i := range sc.query.Fields {
		f := &sc.query.Fields[i]
		ct := sc.types[f.Type.base().Name]
		if !strings.HasSuffix(ct.Name, "Connection") || atkHasRequiredArgs(f.Args) {
			continue
		}
		edges := ct.field("edges")
		if edges == nil {
			w.t.Errorf("connection %s has no edges", ct.Name)
			continue
		}
		node := sc.types[edges.Type.base().Name].field("node")
		cn := &atkConn{field: f, nodeType: sc.types[node.Type.base().Name], ids: map[string]bool{}}
		var sel []string
		for _, nf := range cn.nodeType.Fields {
			if atkHasRequiredArgs(nf.Args) {
				continue
			}
			if nf.Type.isID() {
				sel = append(sel, nf.Name)
			} else if b := nf.Type.base(); b.Kind == "OBJECT" {
				var sub []string
				for _, of := range sc.types[b.Name].Fields {
					if of.Type.isID() && !atkHasRequiredArgs(of.Args) {
						sub = append(sub, of.Name)
					}
				}
				if len(sub) > 0 {
					sel = append(sel, nf.Name+" { "+strings.Join(sub, " ")+" }")
				}
			}
		}
		cn.idSel = strings.Join(sel, " ")
		args := map[string]any{}
		if f.arg("first") != nil {
			args["first"] = 100
		}
		r := atkExec(att.c, "query", []atkCall{{field: f, args: args, sel: "totalCount edges { cursor node { " + cn.idSel + " } }"}})[0]
		if len(r.errs) > 0 {
			cn.forbid = r.codes()[0]
			if cn.forbid != "FORBIDDEN" {
				w.fail(att, "snapshot", "%s: the attacker's own plain query fails: %s", f.Name, r.describe())
			}
		} else {
			var conn struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   map[string]any
				}
			}
			if err := json.Unmarshal(r.data, &conn); err != nil {
				w.t.Fatalf("%s: %v", f.Name, err)
			}
			if conn.TotalCount != len(conn.Edges) || conn.TotalCount == 0 {
				w.t.Fatalf("%s: %d rows of %d: the setup should give every connection a few rows, all on one page", f.Name, len(conn.Edges), conn.TotalCount)
			}
			for _, e := range conn.Edges {
				cn.rows = append(cn.rows, e.Node)
				cn.ids[fmt.Sprint(e.Node["id"])] = true
				cn.cursors = append(cn.cursors, e.Cursor)
			}
			if l := w.leaks(r); len(l) > 0 {
				w.fail(att, "snapshot", "%s shows B's %q: %s", f.Name, l, r.describe())
			}
		}
		conns = append(conns, cn)
	}
	return conns
}

// checkConn checks a connection answer: the expected error code (the attacker's own
// baseline), or only the attacker's own rows.
func (w *atkWorld) checkConn(att *atkAttacker, kind string, cn *atkConn, r atkRes, what string, allowed ...string) (total int, ids []string, ok bool) {
	w.t.Helper()
	if l := w.leaks(r); len(l) > 0 {
		w.fail(att, kind, "%s returns B's %q%s", what, l, r.describe())
		return 0, nil, false
	}
	if cn.forbid != "" {
		if cs := r.codes(); len(cs) == 0 || cs[0] != cn.forbid || string(r.data) != "null" {
			w.fail(att, kind, "%s: want %s as for the plain query, got codes %v%s", what, cn.forbid, cs, r.describe())
		}
		return 0, nil, false
	}
	if len(r.errs) > 0 {
		for _, c := range r.codes() {
			if !atkContains(allowed, c) {
				w.fail(att, kind, "%s: unexpected error %v%s", what, r.codes(), r.describe())
				break
			}
		}
		return 0, nil, false
	}
	var conn struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
	}
	if err := json.Unmarshal(r.data, &conn); err != nil {
		w.fail(att, kind, "%s: %v%s", what, err, r.describe())
		return 0, nil, false
	}
	for _, e := range conn.Edges {
		if !cn.ids[e.Node.ID] {
			w.fail(att, kind, "%s returns %s, which is not one of the attacker's own rows%s", what, e.Node.ID, r.describe())
			return 0, nil, false
		}
		ids = append(ids, e.Node.ID)
	}
	return conn.TotalCount, ids, true
}

// queryFields: every Query field; those with ID arguments with every id of B, ids that
// exist nowhere, and A's own ids.
func (w *atkWorld) queryFields(att *atkAttacker, sc *atkSchema, conns []*atkConn) {
	type tcase struct {
		call atkCall
		kind string // "b", "missing", "own", "plain", "mixed", "allB"
		id   string
		sent []string
	}
	var cases []tcase
	for i := range sc.query.Fields {
		f := &sc.query.Fields[i]
		sel := sc.selection(f.Type.base().Name, 3)
		if _, n, _ := sc.args(sc.query.Name, f.Args, func(bool) any { return "" }, 0); n == 0 {
			args, _, ok := sc.args(sc.query.Name, f.Args, nil, 0)
			if !ok {
				w.t.Errorf("query %s: cannot build its required arguments; teach sample() the new type", f.Name)
				continue
			}
			cases = append(cases, tcase{call: atkCall{f, args, sel}, kind: "plain"})
			continue
		}
		one := func(id string) map[string]any {
			args, _, ok := sc.args(sc.query.Name, f.Args, func(list bool) any {
				if list {
					return []string{id}
				}
				return id
			}, 0)
			if !ok {
				w.t.Fatalf("query %s: cannot build its required arguments", f.Name)
			}
			return args
		}
		for _, id := range w.bIDs {
			cases = append(cases, tcase{call: atkCall{f, one(id), sel}, kind: "b", id: id, sent: []string{id}})
		}
		for _, id := range w.missing {
			cases = append(cases, tcase{call: atkCall{f, one(id), sel}, kind: "missing", id: id, sent: []string{id}})
		}
		for _, id := range w.aIDs {
			cases = append(cases, tcase{call: atkCall{f, one(id), sel}, kind: "own", id: id, sent: []string{id}})
		}
		// List arguments: all of B's ids at once, and A's id among B's.
		listArgs := func(ids []string) map[string]any {
			args, _, _ := sc.args(sc.query.Name, f.Args, func(list bool) any {
				if list {
					return ids
				}
				return ids[0]
			}, 0)
			return args
		}
		for _, a := range f.Args {
			if a.Type.isID() && a.Type.list() {
				for start := 0; start < len(w.bIDs); start += 10 { // 10 a call stays under the complexity limit with every field 3 levels down
					ids := w.bIDs[start:min(start+10, len(w.bIDs))]
					cases = append(cases, tcase{call: atkCall{f, listArgs(ids), sel}, kind: "allB", sent: ids})
				}
				for _, own := range []string{w.a.adminKey.ID, w.a.memberID, string(w.a.t.org.ID)} {
					ids := []string{w.bIDs[0], own, w.bIDs[len(w.bIDs)-1]}
					cases = append(cases, tcase{call: atkCall{f, listArgs(ids), sel}, kind: "mixed", id: own, sent: ids})
				}
				break
			}
		}
	}
	calls := make([]atkCall, len(cases))
	for i, c := range cases {
		calls[i] = c.call
	}
	res := atkExecAll(att.c, "query", calls)

	// The answer for an id that exists nowhere, by field and prefix.
	missing := map[string]string{}
	for i, c := range cases {
		if c.kind == "missing" {
			missing[c.call.field.Name+" "+atkPrefix(c.id)] = res[i].normalized(c.sent...)
		}
	}
	forbiddenType := map[string]bool{}
	for _, cn := range conns {
		if cn.forbid != "" {
			forbiddenType[cn.nodeType.Name] = true
		}
	}
	ownOK := map[string]int{}
	for i, c := range cases {
		r, f := res[i], c.call.field.Name
		what := fmt.Sprintf("%s with %s", f, c.id)
		if c.kind == "allB" || c.kind == "mixed" {
			what = fmt.Sprintf("%s with %v", f, c.sent)
		}
		switch c.kind {
		case "plain", "b", "missing", "allB", "mixed":
			w.cases["query."+map[string]string{"plain": "plain", "b": "byID", "missing": "byID", "allB": "byID", "mixed": "byID"}[c.kind]]++
			if l := w.leaks(r, c.sent...); len(l) > 0 {
				w.fail(att, "query", "%s returns B's %q%s", what, l, r.describe())
				continue
			}
			for _, code := range r.codes() {
				if code != "NOT_FOUND" && code != "FORBIDDEN" {
					w.fail(att, "query", "%s: error code %s, want NOT_FOUND or FORBIDDEN%s", what, code, r.describe())
					break
				}
			}
		}
		switch c.kind {
		case "b":
			want, have := missing[f+" "+atkPrefix(c.id)], r.normalized(c.sent...)
			if want != have {
				w.fail(att, "oracle", "%s (%s of B) answers differently from an id that exists nowhere:\n  B's id:  %s\n  missing: %s",
					what, w.b.view.kindOf[c.id], have, want)
			}
		case "own", "mixed":
			w.cases["query.own"]++
			if len(r.errs) == 0 && strings.Contains(string(r.data), `"`+c.id+`"`) {
				ownOK[f]++
			}
			// People other than the caller are for admins only: by id too (graph/node.go).
			refusedByRole := atkPrefix(c.id) == "usr" && forbiddenType["User"] && c.id != att.id
			if c.kind == "mixed" && !refusedByRole && !strings.Contains(string(r.data), `"`+c.id+`"`) {
				w.fail(att, "own", "%s: A's own id %s is missing from the answer%s", what, c.id, r.describe())
			}
			if refusedByRole && (strings.Contains(string(r.data), `"`+c.id+`"`) || !slices.Contains(r.codes(), "FORBIDDEN")) {
				w.fail(att, "role", "%s: another person's id %s must be refused FORBIDDEN to a non-admin%s", what, c.id, r.describe())
			}
			// Role consistency: what a connection refuses this caller, node() must
			// not give it either (the caller itself excepted).
			for _, obj := range atkObjects(r.data) {
				if tn, _ := obj["__typename"].(string); forbiddenType[tn] && obj["id"] == c.id && c.id != att.id {
					w.fail(att, "role", "%s returns A's %s (%v), whose list the same caller is refused (FORBIDDEN): the role check of the list is bypassed by id%s",
						what, tn, atkBrief(obj), r.describe())
				}
			}
		}
	}
	for i := range sc.query.Fields {
		f := &sc.query.Fields[i]
		if _, n, _ := sc.args(sc.query.Name, f.Args, func(bool) any { return "" }, 0); n > 0 && ownOK[f.Name] == 0 {
			w.fail(att, "own", "%s never returned one of A's own ids: the by-id cases prove nothing", f.Name)
		}
	}
}

// atkObjects returns every JSON object in a document.
func atkObjects(raw json.RawMessage) []map[string]any {
	var v any
	_ = json.Unmarshal(raw, &v)
	var out []map[string]any
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			out = append(out, x)
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return out
}

func atkBrief(obj map[string]any) string {
	var parts []string
	tn, _ := obj["__typename"].(string)
	for _, k := range []string{"id", "name", "email", "role"} {
		for _, key := range []string{k, k + "_" + tn} {
			if v, ok := obj[key]; ok {
				parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			}
		}
	}
	return strings.Join(parts, " ")
}

// ---------------------------------------------------------------------------------
// where filters.

// atkPath is an ID field of a where input: outer, or outer.inner for a has…With edge.
type atkPath struct {
	outer, inner string
	outerList    bool // the has…With input is a list
	list         bool // the ID field is [ID!]
}

func (p atkPath) String() string {
	if p.inner == "" {
		return p.outer
	}
	return p.outer + "." + p.inner
}

func (p atkPath) where(v any) map[string]any {
	if p.inner == "" {
		return map[string]any{p.outer: v}
	}
	inner := map[string]any{p.inner: v}
	if p.outerList {
		return map[string]any{p.outer: []any{inner}}
	}
	return map[string]any{p.outer: inner}
}

// atkIDPaths walks a where input: its ID fields, and the ID fields of the inputs it
// nests one level down (has…With), never into itself (not, and, or).
func atkIDPaths(sc *atkSchema, where string) []atkPath {
	var paths []atkPath
	for _, f := range sc.types[where].InputFields {
		b := f.Type.base()
		switch {
		case b.Name == "ID":
			paths = append(paths, atkPath{outer: f.Name, list: f.Type.list()})
		case b.Kind == "INPUT_OBJECT" && b.Name != where:
			for _, g := range sc.types[b.Name].InputFields {
				if g.Type.isID() {
					paths = append(paths, atkPath{outer: f.Name, inner: g.Name, outerList: f.Type.list(), list: g.Type.list()})
				}
			}
		}
	}
	return paths
}

func (w *atkWorld) whereFilters(att *atkAttacker, sc *atkSchema, cn *atkConn) {
	wa := cn.field.arg("where")
	if wa == nil {
		return
	}
	paths := atkIDPaths(sc, wa.Type.base().Name)
	if len(paths) == 0 {
		w.t.Errorf("%s: its where input has no ID field", cn.field.Name)
		return
	}
	type wcase struct {
		where map[string]any
		kind  string
	}
	var cases []wcase
	bAndMissing := append([]string{}, w.bIDs...)
	for _, id := range w.missing {
		bAndMissing = append(bAndMissing, id)
	}
	sort.Strings(bAndMissing)
	var ownIDs []string
	for id := range cn.ids {
		ownIDs = append(ownIDs, id)
	}
	sort.Strings(ownIDs)
	// Equality predicates get every id of B; orderings and substrings one id of B per
	// type (with the missing ones), which keeps the run short.
	perPrefix := map[string]bool{}
	var bSample []string
	for _, id := range bAndMissing {
		if p := atkPrefix(id); !perPrefix[p] && !strings.Contains(id, "ZZZZZZZZ") {
			perPrefix[p] = true
			bSample = append(bSample, id)
		}
	}
	for _, id := range w.missing {
		bSample = append(bSample, id)
	}
	b0, b1 := w.bIDs[0], w.bIDs[len(w.bIDs)-1]
	for _, p := range paths {
		if p.list {
			cases = append(cases, wcase{p.where(bAndMissing), "where"})
			if len(ownIDs) > 0 {
				cases = append(cases, wcase{p.where([]string{b0, ownIDs[0], b1}), "where.own"})
			}
			cases = append(cases, wcase{map[string]any{"not": p.where(w.bIDs)}, "where.combo"})
			continue
		}
		ids := bAndMissing
		name := p.outer
		if p.inner != "" {
			name = p.inner
		}
		if _, op := atkSplitOp(name); op != "" && op != "NEQ" {
			ids = bSample
		}
		for _, id := range ids {
			cases = append(cases, wcase{p.where(id), "where"})
		}
		cases = append(cases,
			wcase{map[string]any{"not": p.where(b0)}, "where.combo"},
			wcase{map[string]any{"or": []any{p.where(b0), map[string]any{"not": p.where(b0)}}}, "where.combo"})
		// The attacker's own values of this path, so that the filter is seen to match.
		for _, v := range atkPathValues(cn.rows, p, 2) {
			cases = append(cases, wcase{p.where(v), "where.own"},
				wcase{map[string]any{"or": []any{p.where(v), p.where(b0)}}, "where.own"})
		}
	}
	if len(ownIDs) > 0 {
		own := ownIDs[0]
		for _, wh := range []map[string]any{
			{"not": map[string]any{"id": own}},
			{"not": map[string]any{"idIn": w.bIDs}},
			{"or": []any{map[string]any{"id": b0}, map[string]any{"idNEQ": b0}}},
			{"or": []any{map[string]any{"idIn": w.bIDs}, map[string]any{"id": own}}},
			{"and": []any{map[string]any{"idNEQ": b0}, map[string]any{"not": map[string]any{"id": b1}}}},
			{"not": map[string]any{"or": []any{map[string]any{"id": b0}, map[string]any{"id": b1}}}},
			{"not": map[string]any{"and": []any{map[string]any{"id": b0}, map[string]any{"idNEQ": own}}}},
			{"or": []any{map[string]any{"not": map[string]any{"id": own}}, map[string]any{"id": b0}}},
		} {
			cases = append(cases, wcase{wh, "where.combo"})
		}
	}
	calls := make([]atkCall, len(cases))
	for i, c := range cases {
		args := map[string]any{"where": c.where}
		if cn.field.arg("first") != nil {
			args["first"] = 100
		}
		calls[i] = atkCall{cn.field, args, "__typename totalCount edges { cursor node { id } }"}
	}
	res := atkExecAll(att.c, "query", calls)
	unverified := 0
	for i, c := range cases {
		w.cases[c.kind]++
		wj, _ := json.Marshal(c.where)
		what := fmt.Sprintf("%s(where: %s)", cn.field.Name, wj)
		total, ids, ok := w.checkConn(att, "where", cn, res[i], what)
		if !ok {
			continue
		}
		want, known := atkCount(cn.rows, c.where)
		if !known {
			unverified++
			continue
		}
		if total != want || len(ids) != want {
			w.fail(att, "where", "%s: totalCount %d (%d edges), want %d: the attacker's own rows that match%s", what, total, len(ids), want, res[i].describe())
		}
		if want > 0 {
			w.cases["where.positive"]++
		}
	}
	if unverified > 0 {
		w.t.Logf("[%s] %s: %d where cases checked for leaks only (the Go evaluator does not know a predicate)", att.who, cn.field.Name, unverified)
	}
}

// atkPathValues returns up to n distinct non-null values of a path in rows.
func atkPathValues(rows []map[string]any, p atkPath, n int) []any {
	seen := map[string]bool{}
	var out []any
	for _, row := range rows {
		var vals []any
		if p.inner == "" {
			vals = []any{row[p.outer]}
		} else {
			for _, nb := range atkNeighbours(row, p.outer) {
				vals = append(vals, nb[p.inner])
			}
		}
		for _, v := range vals {
			s, ok := v.(string)
			if ok && !seen[s] && len(out) < n {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// The where evaluator: three-valued like SQL, so that NOT (actor_id = x) does not
// match a row whose actor_id is NULL.
type atkTri int8

const (
	atkNull atkTri = iota - 1
	atkFalse
	atkTrue
)

func atkAnd(a, b atkTri) atkTri {
	switch {
	case a == atkFalse || b == atkFalse:
		return atkFalse
	case a == atkNull || b == atkNull:
		return atkNull
	}
	return atkTrue
}

func atkOr(a, b atkTri) atkTri {
	switch {
	case a == atkTrue || b == atkTrue:
		return atkTrue
	case a == atkNull || b == atkNull:
		return atkNull
	}
	return atkFalse
}

func atkNot(a atkTri) atkTri {
	if a == atkNull {
		return atkNull
	}
	return 1 - a
}

func atkBool(b bool) atkTri {
	if b {
		return atkTrue
	}
	return atkFalse
}

// atkCount counts the rows a where input matches; known is false when it uses a
// predicate the evaluator does not know or a field the snapshot lacks.
func atkCount(rows []map[string]any, where map[string]any) (n int, known bool) {
	for _, row := range rows {
		v, ok := atkEval(row, where)
		if !ok {
			return 0, false
		}
		if v == atkTrue {
			n++
		}
	}
	return n, true
}

// atkSplitOp splits a predicate name into field and operator by its suffix alone.
func atkSplitOp(k string) (string, string) {
	for _, o := range atkOps {
		if strings.HasSuffix(k, o) && len(k) > len(o) {
			return k[:len(k)-len(o)], o
		}
	}
	return k, ""
}

var atkOps = []string{"ContainsFold", "EqualFold", "HasPrefix", "HasSuffix", "Contains", "NotIn", "NotNil", "IsNil", "NEQ", "GTE", "LTE", "GT", "LT", "In"}

func atkEval(row map[string]any, where map[string]any) (atkTri, bool) {
	res := atkTrue
	for k, v := range where {
		var r atkTri
		switch {
		case k == "not":
			x, ok := atkEval(row, v.(map[string]any))
			if !ok {
				return 0, false
			}
			r = atkNot(x)
		case k == "and" || k == "or":
			r = atkBool(k == "and")
			for _, sub := range v.([]any) {
				x, ok := atkEval(row, sub.(map[string]any))
				if !ok {
					return 0, false
				}
				if k == "and" {
					r = atkAnd(r, x)
				} else {
					r = atkOr(r, x)
				}
			}
		case strings.HasPrefix(k, "has") && strings.HasSuffix(k, "With") && len(k) > 7:
			edge := strings.ToLower(k[3:4]) + k[4:len(k)-4]
			if _, ok := row[edge]; !ok {
				return 0, false
			}
			preds := []any{v}
			if l, ok := v.([]any); ok {
				preds = l
			}
			r = atkFalse // EXISTS: true or false, never NULL
			for _, nb := range atkNeighbours(row, edge) {
				all := atkTrue
				for _, p := range preds {
					x, ok := atkEval(nb, p.(map[string]any))
					if !ok {
						return 0, false
					}
					all = atkAnd(all, x)
				}
				if all == atkTrue {
					r = atkTrue
				}
			}
		default:
			base, op := k, ""
			for _, o := range atkOps {
				if strings.HasSuffix(k, o) {
					if _, ok := row[k[:len(k)-len(o)]]; ok {
						base, op = k[:len(k)-len(o)], o
						break
					}
				}
			}
			rv, ok := row[base]
			if !ok {
				return 0, false
			}
			if op == "IsNil" || op == "NotNil" {
				r = atkBool((rv == nil) == (v.(bool) == (op == "IsNil")))
				break
			}
			s, isStr := rv.(string)
			// An Optional (not Nillable) Ent field shows NULL as "": SQL compares NULL.
			if rv == nil || s == "" {
				r = atkNull
				break
			} else if !isStr {
				return 0, false
			}
			x, _ := v.(string)
			switch op {
			case "":
				r = atkBool(s == x)
			case "NEQ":
				r = atkBool(s != x)
			case "In", "NotIn":
				r = atkBool(atkContains(atkStrings(v), s) == (op == "In"))
			case "GT":
				r = atkBool(s > x)
			case "GTE":
				r = atkBool(s >= x)
			case "LT":
				r = atkBool(s < x)
			case "LTE":
				r = atkBool(s <= x)
			case "Contains":
				r = atkBool(strings.Contains(s, x))
			case "HasPrefix":
				r = atkBool(strings.HasPrefix(s, x))
			case "HasSuffix":
				r = atkBool(strings.HasSuffix(s, x))
			case "EqualFold":
				r = atkBool(strings.EqualFold(s, x))
			case "ContainsFold":
				r = atkBool(strings.Contains(strings.ToLower(s), strings.ToLower(x)))
			default:
				return 0, false
			}
		}
		res = atkAnd(res, r)
	}
	return res, true
}

func atkNeighbours(row map[string]any, edge string) []map[string]any {
	switch x := row[edge].(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, y := range x {
			if m, ok := y.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func atkStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, y := range x {
			out[i], _ = y.(string)
		}
		return out
	}
	return nil
}

// ---------------------------------------------------------------------------------
// Cursors and orders.

func (w *atkWorld) cursorArgs(att *atkAttacker, cn *atkConn) {
	var calls []atkCall
	var whats, kinds []string
	add := func(arg, sizeArg, cursor, kind string) {
		if cn.field.arg(arg) == nil {
			return
		}
		args := map[string]any{arg: cursor}
		if cn.field.arg(sizeArg) != nil {
			args[sizeArg] = 100
		}
		calls = append(calls, atkCall{cn.field, args, "__typename totalCount edges { cursor node { id } }"})
		whats = append(whats, fmt.Sprintf("%s(%s: %s)", cn.field.Name, arg, cursor))
		kinds = append(kinds, kind)
	}
	for _, c := range w.b.view.cursors {
		add("after", "first", c, "cursor")
		add("before", "last", c, "cursor")
	}
	if len(cn.cursors) > 1 {
		add("after", "first", cn.cursors[0], "cursor.own")
		add("before", "last", cn.cursors[len(cn.cursors)-1], "cursor.own")
	}
	res := atkExecAll(att.c, "query", calls)
	for i := range calls {
		w.cases[kinds[i]]++
		allowed := []string{"BAD_USER_INPUT"}
		if kinds[i] == "cursor.own" {
			allowed = nil
		}
		_, ids, ok := w.checkConn(att, "cursor", cn, res[i], whats[i], allowed...)
		if kinds[i] == "cursor.own" && ok && len(ids) != len(cn.ids)-1 {
			w.fail(att, "cursor", "%s: %d rows, want all of the attacker's rows but one%s", whats[i], len(ids), res[i].describe())
		}
	}
}

// atkOrders lists every combination of the enum fields of an order input.
func atkOrders(sc *atkSchema, order string) []map[string]any {
	out := []map[string]any{{}}
	for _, f := range sc.types[order].InputFields {
		et := sc.types[f.Type.base().Name]
		if et.Kind != "ENUM" {
			continue
		}
		var next []map[string]any
		for _, o := range out {
			for _, ev := range et.EnumValues {
				m := map[string]any{f.Name: ev.Name}
				for k, v := range o {
					m[k] = v
				}
				next = append(next, m)
			}
		}
		out = next
	}
	return out
}

func (w *atkWorld) orderBy(att *atkAttacker, sc *atkSchema, cn *atkConn) {
	oa := cn.field.arg("orderBy")
	if oa == nil {
		return
	}
	orders := atkOrders(sc, oa.Type.base().Name)
	calls := make([]atkCall, len(orders))
	for i, o := range orders {
		var v any = o
		if oa.Type.list() {
			v = []any{o}
		}
		args := map[string]any{"orderBy": v}
		if cn.field.arg("first") != nil {
			args["first"] = 100
		}
		calls[i] = atkCall{cn.field, args, "__typename totalCount edges { cursor node { id } }"}
	}
	// And with B's cursor, both ways.
	if cn.field.arg("after") != nil {
		for _, o := range orders {
			for _, c := range w.b.view.cursors[:2] {
				calls = append(calls, atkCall{cn.field, map[string]any{"orderBy": o, "after": c}, "__typename totalCount edges { cursor node { id } }"})
			}
		}
	}
	res := atkExecAll(att.c, "query", calls)
	for i, call := range calls {
		w.cases["orderBy"]++
		oj, _ := json.Marshal(call.args)
		what := fmt.Sprintf("%s(%s)", cn.field.Name, oj)
		if i >= len(orders) { // with B's cursor
			w.checkConn(att, "orderBy", cn, res[i], what, "BAD_USER_INPUT")
			continue
		}
		total, ids, ok := w.checkConn(att, "orderBy", cn, res[i], what)
		if ok && (total != len(cn.ids) || len(ids) != len(cn.ids)) {
			w.fail(att, "orderBy", "%s: totalCount %d, %d rows, want the attacker's %d%s", what, total, len(ids), len(cn.ids), res[i].describe())
		}
	}
}

// ---------------------------------------------------------------------------------
// Mutations.

type atkState struct {
	BCounts counts
	BUsers  []string
	BAudit  int
	AAudit  int
	BKey    string
}

func (w *atkWorld) state() atkState {
	var st atkState
	st.BCounts = w.b.t.admin.counts()
	var users struct {
		Users struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	w.b.t.admin.must(&users, `{ users(first: 100) { edges { node { id } } } }`, nil)
	for _, e := range users.Users.Edges {
		st.BUsers = append(st.BUsers, e.Node.ID)
	}
	var audit struct{ AuditEntries struct{ TotalCount int } }
	w.b.t.admin.must(&audit, `{ auditEntries { totalCount } }`, nil)
	st.BAudit = audit.AuditEntries.TotalCount
	w.a.t.admin.must(&audit, `{ auditEntries { totalCount } }`, nil)
	st.AAudit = audit.AuditEntries.TotalCount
	r := w.s.integration(w.b.adminKey.Secret).gql(`{ viewer { id } }`, nil)
	st.BKey = fmt.Sprintf("HTTP %d %v", r.Status, atkCodes(r))
	return st
}

func atkCodes(r *response) []string {
	var cs []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		cs = append(cs, c)
	}
	return cs
}

func (w *atkWorld) mutations(att *atkAttacker, sc *atkSchema) {
	if sc.mutation == nil {
		return
	}
	before := w.state()
	for i := range sc.mutation.Fields {
		f := &sc.mutation.Fields[i]
		build := func(id string) map[string]any {
			args, _, ok := sc.args(sc.mutation.Name, f.Args, func(list bool) any {
				if list {
					return []string{id}
				}
				return id
			}, 2)
			if !ok {
				w.t.Errorf("mutation %s: cannot build its required arguments; teach sample() the new type", f.Name)
			}
			return args
		}
		if _, n, _ := sc.args(sc.mutation.Name, f.Args, func(bool) any { return "" }, 2); n == 0 {
			continue // it creates; it addresses no existing row
		}
		sel := sc.selection(f.Type.base().Name, 3)
		baseline := map[string]atkRes{}
		for p, id := range w.missing {
			r := atkExec(att.c, "mutation", []atkCall{{f, build(id), sel}})[0]
			w.cases["mutation"]++
			baseline[p] = r
			if cs := r.codes(); len(cs) == 0 || (cs[0] != "NOT_FOUND" && cs[0] != "FORBIDDEN") {
				w.fail(att, "mutation", "%s with %s, which exists nowhere: codes %v, want NOT_FOUND or FORBIDDEN%s", f.Name, id, cs, r.describe())
			}
		}
		for _, id := range w.bIDs {
			r := atkExec(att.c, "mutation", []atkCall{{f, build(id), sel}})[0]
			w.cases["mutation"]++
			what := fmt.Sprintf("%s with %s (%s of B)", f.Name, id, w.b.view.kindOf[id])
			if l := w.leaks(r, id); len(l) > 0 {
				w.fail(att, "mutation", "%s returns B's %q%s", what, l, r.describe())
			}
			if cs := r.codes(); len(cs) == 0 || string(r.data) != "null" {
				w.fail(att, "mutation", "%s succeeded%s", what, r.describe())
				continue
			}
			m := w.missing[atkPrefix(id)]
			if have, want := r.normalized(id), baseline[atkPrefix(id)].normalized(m); have != want {
				w.fail(att, "oracle", "%s answers differently from an id that exists nowhere:\n  B's id:  %s\n  missing: %s", what, have, want)
			}
		}
	}
	if after := w.state(); fmt.Sprint(after) != fmt.Sprint(before) {
		w.fail(att, "mutation", "B's state (or A's audit trail) changed under the attack:\n  before: %+v\n  after:  %+v", before, after)
	}
}

// mutationsWorkOnOwnIDs shows the generated mutations can succeed: A's admin runs each
// with A's own ids until one works (this changes A, so it runs last).
func (w *atkWorld) mutationsWorkOnOwnIDs(att *atkAttacker) {
	sc := atkIntrospect(w.t, att.c)
	if sc.mutation == nil {
		return
	}
	// Fresh keys first: revoking and rotating each use one up.
	var spares []string
	for i := range 3 {
		spares = append(spares, w.a.t.admin.createKey(fmt.Sprintf("Spare %d", i), "VIEWER").ID)
	}
	candidates := atkUnique(append(append(spares, w.a.memberID, w.a.viewerKey.ID, w.a.revokedKy.ID), w.aIDs...))
	for i := range sc.mutation.Fields {
		f := &sc.mutation.Fields[i]
		if _, n, _ := sc.args(sc.mutation.Name, f.Args, func(bool) any { return "" }, 2); n == 0 {
			continue
		}
		done := false
		for _, id := range candidates {
			args, _, _ := sc.args(sc.mutation.Name, f.Args, func(list bool) any {
				if list {
					return []string{id}
				}
				return id
			}, 2)
			r := atkExec(att.c, "mutation", []atkCall{{f, args, sc.selection(f.Type.base().Name, 3)}})[0]
			if l := w.leaks(r); len(l) > 0 {
				w.t.Errorf("%s with A's %s returns B's %q%s", f.Name, id, l, r.describe())
			}
			if len(r.errs) == 0 {
				w.cases["mutation.own"]++
				done = true
				break
			}
		}
		if !done {
			w.t.Errorf("mutation %s never succeeded with any of A's own ids: its generated cases prove nothing", f.Name)
		}
	}
}

// ---------------------------------------------------------------------------------

func atkUnique(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func atkContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
