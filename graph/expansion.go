package graph

import (
	"context"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ExpansionLimit refuses operations whose fragments expand to more than Max fields,
// before the complexity and depth limits walk them: those walks expand every spread,
// and fragments that each spread the next one twice make 2^n fields of a 1 KB document
// (30 levels: minutes of CPU, before the complexity limit can say no).
type ExpansionLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = ExpansionLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (ExpansionLimit) ExtensionName() string { return "ExpansionLimit" }

// Validate implements graphql.HandlerExtension.
func (ExpansionLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (e ExpansionLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if expandedFields(oc.Doc, oc.Operation.SelectionSet, map[string]int{}) > e.Max {
		err := gqlerror.Errorf("the operation expands to more than %d fields", e.Max)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	// The complexity limit does not count introspection, and each __schema answers with
	// the whole schema whatever it selects: aliases of it (666 took 1.8 s) are refused.
	// Introspecting clients (GraphiQL, codegen, Apollo, Relay) ask for it once.
	if n := rootFields(oc.Doc, oc.Operation.SelectionSet, "__schema", map[string]bool{}); n > 1 {
		err := gqlerror.Errorf("__schema is asked %d times; once per operation is allowed", n)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// rootFields counts the fields called name in set, fragments at its level included.
func rootFields(doc *ast.QueryDocument, set ast.SelectionSet, name string, seen map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name {
				n++
			}
		case *ast.InlineFragment:
			n += rootFields(doc, s.SelectionSet, name, seen)
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				n += rootFields(doc, f.SelectionSet, name, seen)
			}
		}
	}
	return n
}

// expandedFields counts the fields of set with its fragment spreads expanded, in linear
// time: each fragment is counted once (sizes saturate at math.MaxInt).
func expandedFields(doc *ast.QueryDocument, set ast.SelectionSet, sizes map[string]int) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n = saturatingAdd(n, saturatingAdd(1, expandedFields(doc, s.SelectionSet, sizes)))
		case *ast.InlineFragment:
			n = saturatingAdd(n, expandedFields(doc, s.SelectionSet, sizes))
		case *ast.FragmentSpread:
			size, ok := sizes[s.Name]
			if !ok {
				sizes[s.Name] = 0 // validation has refused cycles; this keeps the count safe
				if f := doc.Fragments.ForName(s.Name); f != nil {
					size = expandedFields(doc, f.SelectionSet, sizes)
				}
				sizes[s.Name] = size
			}
			n = saturatingAdd(n, size)
		}
	}
	return n
}

func saturatingAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
