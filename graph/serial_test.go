package graph

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalSerially keeps graphql.MarshalSliceConcurrently's contract: each element is
// marshaled once with a field context holding its index, and one that panics is null,
// with the panic reported on its own path, while its neighbours are kept.
func TestMarshalSeriallyKeepsGqlgensContract(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "edges"}}})
	var seen []int
	got := marshalSerially(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		seen = append(seen, *graphql.GetFieldContext(ctx).Index)
		if i == 1 {
			panic("element 1 is broken")
		}
		return graphql.MarshalInt(i)
	})
	if fmt.Sprint(seen) != "[0 1 2]" || len(got) != 3 || got[1] != graphql.Null || got[0] == graphql.Null || got[2] == graphql.Null {
		t.Fatalf("indexes %v, result %v", seen, got)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "edges[1]" {
		t.Fatalf("errors %v, want one on edges[1]", errs)
	}
	if got := marshalSerially(ctx, 0, 0, false, nil); len(got) != 0 {
		t.Fatalf("an empty list: %v", got)
	}
}

// marshalObject writes what gqlgen's FieldSet writes: the fields in the order
// collected, a name collected twice once, with its first value.
func TestMarshalObjectWritesWhatAFieldSetWrites(t *testing.T) {
	for _, aliases := range [][]string{
		{},
		{"id"},
		{"id", "name", "__typename"},
		{"id", "name", "id"}, // two fragments on two interfaces, both asking for id
		{"a", "b", "a", "b", "c"},
	} {
		fields := make([]graphql.CollectedField, len(aliases))
		values := make([]graphql.Marshaler, len(aliases))
		for i, a := range aliases {
			fields[i].Field = &ast.Field{Alias: a, Name: a}
			values[i] = graphql.MarshalInt(i)
		}
		fs := graphql.NewFieldSet(fields)
		copy(fs.Values, values)
		var want, got bytes.Buffer
		fs.MarshalGQL(&want)
		marshalObject(fields, values).MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("%v: wrote %s, gqlgen writes %s", aliases, &got, &want)
		}
	}
}

// MarshalTime writes what gqlgen's graphql.MarshalTime writes, into any writer.
func TestMarshalTimeWritesWhatGqlgensWrites(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC),
		time.Date(2026, 12, 3, 15, 4, 5, 123456789, time.UTC),
		time.Date(1999, 1, 2, 3, 4, 5, 6000, time.FixedZone("", -(3*3600+30*60))),
		time.Date(2026, 3, 29, 2, 30, 0, 0, time.FixedZone("CEST", 2*3600)),
	} {
		var want bytes.Buffer
		graphql.MarshalTime(tm).MarshalGQL(&want)
		var got bytes.Buffer
		MarshalTime(tm).MarshalGQL(&got)
		var plain strings.Builder // no AvailableBuffer
		MarshalTime(tm).MarshalGQL(&plain)
		if got.String() != want.String() || plain.String() != want.String() {
			t.Errorf("%v: wrote %s and %s, gqlgen writes %s", tm, &got, plain.String(), &want)
		}
		back, err := UnmarshalTime(strings.Trim(want.String(), `"`))
		if !tm.IsZero() && (err != nil || !back.Equal(tm)) {
			t.Errorf("%s read back as %v, %v", &want, back, err)
		}
	}
}
