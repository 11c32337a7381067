package app_test

import (
	"encoding/json"
	"strings"
	"testing"
)

type introType struct {
	Kind, Name string
	OfType     *introType
}

func (t introType) String() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.String() + "!"
	case "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return t.Name
}

// The conventions generated clients rely on (Relay, Apollo, GraphQL Code Generator,
// genqlient), checked on the live schema: no gqlgen directive and no input type that no
// field takes; connections whose edges and nodes are non-null, also when a page is
// empty; Global Object Identification: every Node found again by node(id) with its type,
// and ids that name one type each.
func TestTheSchemaFollowsClientConventions(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		var schema struct {
			Schema struct {
				Directives []struct{ Name string }
				Types      []struct {
					Kind, Name string
					Fields     []struct {
						Name string
						Type introType
						Args []struct {
							Name string
							Type introType
						}
					}
					InputFields []struct {
						Name string
						Type introType
					}
				}
			} `json:"__schema"`
		}
		typeRef := `type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`
		admin.must(&schema, `{ __schema { directives { name } types { kind name
  fields { name `+typeRef+` args { name `+typeRef+` } }
  inputFields { name `+typeRef+` } } } }`, nil)
		for _, d := range schema.Schema.Directives {
			if strings.HasPrefix(d.Name, "go") {
				t.Errorf("the schema exposes gqlgen's directive @%s", d.Name)
			}
		}
		used := map[string]bool{}
		var base func(introType) string
		base = func(t introType) string {
			if t.OfType != nil {
				return base(*t.OfType)
			}
			return t.Name
		}
		inputs := map[string][]string{}
		for _, ty := range schema.Schema.Types {
			for _, f := range ty.Fields {
				for _, a := range f.Args {
					used[base(a.Type)] = true
				}
			}
			for _, f := range ty.InputFields {
				inputs[ty.Name] = append(inputs[ty.Name], base(f.Type))
			}
		}
		for changed := true; changed; { // inputs reached through used inputs
			changed = false
			for name, fields := range inputs {
				if used[name] {
					for _, f := range fields {
						if !used[f] {
							used[f], changed = true, true
						}
					}
				}
			}
		}
		for _, ty := range schema.Schema.Types {
			if ty.Kind == "INPUT_OBJECT" && !used[ty.Name] {
				t.Errorf("input type %s is taken by no field", ty.Name)
			}
			for _, f := range ty.Fields {
				switch {
				case strings.HasSuffix(ty.Name, "Connection") && f.Name == "edges":
					if got := f.Type.String(); got != "["+strings.TrimSuffix(ty.Name, "Connection")+"Edge!]!" {
						t.Errorf("%s.edges is %s", ty.Name, got)
					}
				case strings.HasSuffix(ty.Name, "Edge") && f.Name == "node":
					if f.Type.Kind != "NON_NULL" {
						t.Errorf("%s.node is %s", ty.Name, f.Type)
					}
				}
			}
		}

		// An empty page: edges is [], not null and not an error.
		var empty struct {
			APIKeys struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.must(&empty, `{ apiKeys(status: REVOKED) { edges { node { id } } } }`, nil)
		if empty.APIKeys.Edges == nil || len(empty.APIKeys.Edges) != 0 {
			t.Fatalf("an empty page: %+v", empty)
		}

		// Every kind of Node, found again by its id, with its type.
		k := admin.createKey("Relay", "VIEWER")
		var ids struct {
			APIKeys struct {
				Edges []struct {
					Node struct {
						ID             string
						ServiceAccount struct{ ID string }
					}
				}
			}
			AuditEntries struct {
				Edges []struct{ Node struct{ ID string } }
			}
			Users struct {
				Edges []struct{ Node struct{ ID string } }
			}
			Viewer struct{ Organization struct{ ID string } }
		}
		admin.must(&ids, `{ apiKeys(first: 1) { edges { node { id serviceAccount { id } } } }
  auditEntries(first: 1) { edges { node { id } } } users(first: 1) { edges { node { id } } }
  viewer { organization { id } } }`, nil)
		byType := map[string]string{
			"APIKey":         ids.APIKeys.Edges[0].Node.ID,
			"ServiceAccount": ids.APIKeys.Edges[0].Node.ServiceAccount.ID,
			"AuditEntry":     ids.AuditEntries.Edges[0].Node.ID,
			"User":           ids.Users.Edges[0].Node.ID,
			"Organization":   ids.Viewer.Organization.ID,
		}
		if byType["APIKey"] != k.ID {
			t.Fatalf("the newest key is %s, want %s", byType["APIKey"], k.ID)
		}
		prefixes := map[string]string{}
		for typ, id := range byType {
			var out struct{ Node struct{ Typename, ID string } }
			admin.must(&out, `query($id: ID!) { node(id: $id) { typename: __typename id } }`, map[string]any{"id": id})
			if out.Node.Typename != typ || out.Node.ID != id {
				t.Errorf("node(%s) = %+v, want the %s", id, out.Node, typ)
			}
			prefix, _, _ := strings.Cut(id, "_")
			if other, ok := prefixes[prefix]; ok {
				t.Errorf("ids of %s and %s share the prefix %s_", typ, other, prefix)
			}
			prefixes[prefix] = typ
		}

		// The Viewer has an id of its own, no object's: a normalized cache keeps it apart
		// from the person or service account it is, which user / serviceAccount give.
		type viewerIDs struct {
			Viewer struct {
				ID                   string
				User, ServiceAccount *struct{ ID string }
			}
		}
		const viewerQuery = `{ viewer { id user { id } serviceAccount { id } } }`
		var person, integration viewerIDs
		admin.must(&person, viewerQuery, nil)
		s.integration(k.Secret).must(&integration, viewerQuery, nil)
		if u := person.Viewer.User; u == nil || person.Viewer.ServiceAccount != nil || u.ID != ids.Users.Edges[0].Node.ID {
			t.Errorf("a person's viewer: %+v", person.Viewer)
		}
		if sa := integration.Viewer.ServiceAccount; sa == nil || integration.Viewer.User != nil || sa.ID != byType["ServiceAccount"] {
			t.Errorf("a key's viewer: %+v", integration.Viewer)
		}
		for _, v := range []viewerIDs{person, integration} {
			id := v.Viewer.ID
			if prefix, _, _ := strings.Cut(id, "_"); prefixes[prefix] != "" || id == "" {
				t.Errorf("the viewer's id %q looks like an id of a %s", id, prefixes[prefix])
			}
			var out struct{ Node *struct{ ID string } }
			r := admin.gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if err := json.Unmarshal(r.Data, &out); err != nil || out.Node != nil {
				t.Errorf("node(%s) found %+v", id, out.Node)
			}
		}
		if person.Viewer.ID == integration.Viewer.ID {
			t.Errorf("two viewers share the id %s", person.Viewer.ID)
		}
	})
}
