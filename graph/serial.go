package graph

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSerially marshals a list's elements one after the other on the request's
// goroutine. The generated code calls it where gqlgen calls
// graphql.MarshalSliceConcurrently (graph/gqlgen puts it there: nothing below a root
// field blocks, so a goroutine per element is pure cost), and it keeps that function's
// contract: each element gets a field context with its index, and an element whose
// marshaling panics is null with the panic reported as an error on its path, unless
// omitPanicHandler. Its worker limit (the third argument) has nothing to limit.
func marshalSerially(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	fcs, indexes := make([]graphql.FieldContext, length), make([]int, length)
	for i := range length {
		indexes[i] = i
		fcs[i].Index = &indexes[i]
		elemCtx := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = marshalElement(elemCtx, i)
		} else {
			ret[i] = marshalRecovering(elemCtx, i, marshalElement)
		}
	}
	return ret
}

// marshalRecovering is marshalElement(ctx, i), null with an error should it panic.
func marshalRecovering(ctx context.Context, i int, marshalElement func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}

// marshalObject is the root object's value as the generated code returns it (graph/gqlgen
// puts it where gqlgen returns the object's *graphql.FieldSet, once every field has its
// value): the fields written in the order collected. gqlgen writes a FieldSet through an
// iterator that copies every field to the heap, and a map of the names written; here a
// name collected twice (two fragments on two interfaces both asking for it) is found by
// looking back, as few fields as an object has, and written once, the first value as
// gqlgen does.
func marshalObject(fields []graphql.CollectedField, values []graphql.Marshaler) graphql.Marshaler {
	return &object{fields: fields, Values: values}
}

// object is the value of an object below the root: what the generated code fills where
// gqlgen fills a graphql.FieldSet (graph/gqlgen puts newObject there; no field below
// the root resolves concurrently, which is what a FieldSet is made for), written as
// marshalObject writes it.
type object struct {
	fields   []graphql.CollectedField
	Values   []graphql.Marshaler
	Invalids uint32
}

// newObject makes an object of up to 16 fields, its values included, in one allocation.
func newObject(fields []graphql.CollectedField) *object {
	switch n := len(fields); {
	case n <= 4: // an edge, a service account, pageInfo
		o := &struct {
			object
			values [4]graphql.Marshaler
		}{}
		o.fields, o.Values = fields, o.values[:n]
		return &o.object
	case n <= 16: // a key as the admin app shows it
		o := &struct {
			object
			values [16]graphql.Marshaler
		}{}
		o.fields, o.Values = fields, o.values[:n]
		return &o.object
	}
	return &object{fields: fields, Values: make([]graphql.Marshaler, len(fields))}
}

// Dispatch is a FieldSet's, which runs the fields resolved concurrently: none here.
func (*object) Dispatch(context.Context) {}

func (o *object) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	for i := range o.fields {
		if i > 0 {
			if collectedBefore(o.fields, i) {
				continue
			}
			_, _ = io.WriteString(w, ",")
		}
		// A name is /[_A-Za-z][_0-9A-Za-z]*/ (the parser allows no other): nothing to escape.
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, o.fields[i].Alias)
		_, _ = io.WriteString(w, `":`)
		o.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// collectedBefore says whether the name of fields[i] is among those before it.
func collectedBefore(fields []graphql.CollectedField, i int) bool {
	for j := range i {
		if fields[j].Alias == fields[i].Alias {
			return true
		}
	}
	return false
}
