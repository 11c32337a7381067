package graph

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"apikeys/ent"
)

// Only brackets count: those in strings, block strings and comments do not.
func TestDocumentNesting(t *testing.T) {
	deep := strings.Repeat("{", 100)
	for _, c := range []struct {
		doc             string
		tooDeep, inArgs bool
	}{
		{`{ a(s: "` + deep + `") }`, false, false},
		{`{ a(s: "\"` + deep + `") }`, false, false},
		{`{ a(s: """` + deep + `\""" ` + deep + `""") }`, false, false},
		{"# " + deep + "\n{ a }", false, false},
		{`{ a(w: ` + strings.Repeat("{a: [", 40) + `) }`, true, true},
		{strings.Repeat("... { ", 70), true, false},
		{strings.Repeat("{ a ", 64) + strings.Repeat("}", 64), false, false},
		{strings.Repeat("{ a ", 65), true, false},
	} {
		if tooDeep, inArgs := documentNesting(c.doc, 64); tooDeep != c.tooDeep || inArgs != c.inArgs {
			t.Errorf("%.60q: %v %v, want %v %v", c.doc, tooDeep, inArgs, c.tooDeep, c.inArgs)
		}
	}
}

// InputLimits tells a cursor's value type by the name of the order field: *_AT fields
// carry times, others strings. Every order field of the Ent schema keeps to it.
func TestOrderFieldsCarryTheValuesTheirNamesSay(t *testing.T) {
	values := map[string]func(field string) (any, error){
		"APIKeyOrderField": func(f string) (any, error) {
			var o ent.APIKeyOrderField
			if err := o.UnmarshalGQL(f); err != nil {
				return nil, err
			}
			return o.Value(&ent.APIKey{})
		},
		"AuditEntryOrderField": func(f string) (any, error) {
			var o ent.AuditEntryOrderField
			if err := o.UnmarshalGQL(f); err != nil {
				return nil, err
			}
			return o.Value(&ent.AuditEntry{})
		},
		"OrganizationOrderField": func(f string) (any, error) {
			var o ent.OrganizationOrderField
			if err := o.UnmarshalGQL(f); err != nil {
				return nil, err
			}
			return o.Value(&ent.Organization{})
		},
		"ServiceAccountOrderField": func(f string) (any, error) {
			var o ent.ServiceAccountOrderField
			if err := o.UnmarshalGQL(f); err != nil {
				return nil, err
			}
			return o.Value(&ent.ServiceAccount{})
		},
		"UserOrderField": func(f string) (any, error) {
			var o ent.UserOrderField
			if err := o.UnmarshalGQL(f); err != nil {
				return nil, err
			}
			return o.Value(&ent.User{})
		},
	}
	want := map[valueKind][]reflect.Type{
		kindTime:   {reflect.TypeFor[time.Time](), reflect.TypeFor[*time.Time]()},
		kindString: {reflect.TypeFor[string](), reflect.TypeFor[*string]()},
	}
	es := NewExecutableSchema(Config{})
	l := DefaultInputLimits()
	if err := l.Validate(es); err != nil {
		t.Fatal(err)
	}
	for name, def := range es.Schema().Types {
		if !strings.HasSuffix(name, "OrderField") || def.Kind != ast.Enum {
			continue
		}
		value, ok := values[name]
		if !ok {
			t.Errorf("%s: add it to this test", name)
			continue
		}
		for _, ev := range def.EnumValues {
			v, err := value(ev.Name)
			if err != nil {
				t.Fatalf("%s.%s: %v", name, ev.Name, err)
			}
			kind := kindString
			if strings.HasSuffix(ev.Name, "_AT") {
				kind = kindTime
			}
			if typ := reflect.TypeOf(v); !contains(want[kind], typ) {
				t.Errorf("%s.%s carries a %v: InputLimits.cursor expects kind %d", name, ev.Name, typ, kind)
			}
		}
	}
	if kinds := l.orderKinds["APIKeyConnection"]; len(kinds) != 5 || kinds["CREATED_AT"] != kindTime || kinds["NAME"] != kindString {
		t.Errorf("APIKeyConnection's order fields: %v", kinds)
	}
}

func contains(types []reflect.Type, t reflect.Type) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// Every connection of the schema costs its page size times one edge, and a page of 100
// costs more than 100 fields; so do lists of nodes.
func TestEveryConnectionCostsItsPage(t *testing.T) {
	es := NewExecutableSchema(Config{Complexity: Complexity()})
	connections := 0
	for _, typ := range es.Schema().Types {
		for _, f := range typ.Fields {
			if !strings.HasSuffix(f.Type.Name(), "Connection") {
				continue
			}
			connections++
			for _, args := range []map[string]any{{"first": 100}, {"last": 100}, {}} {
				want := 100
				if len(args) == 0 {
					want = defaultPageSize
				}
				got, ok := es.Complexity(context.Background(), typ.Name, f.Name, 3, args)
				if !ok || got < want*3 {
					t.Errorf("%s.%s(%v) costs %d (%v), want at least %d", typ.Name, f.Name, args, got, ok, want*3)
				}
			}
		}
	}
	if connections < 3 {
		t.Errorf("only %d connections found", connections)
	}
	if got, _ := es.Complexity(context.Background(), "Query", "nodes", 3, map[string]any{"ids": []any{"a", "b", "c", "d"}}); got < 12 {
		t.Errorf("nodes of 4 costs %d", got)
	}
}
