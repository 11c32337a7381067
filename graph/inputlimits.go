package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"apikeys/ent"
)

// InputLimits refuses argument values that would cost more than they are worth or
// fail in the database, before anything runs: values nested deeper than MaxDepth
// objects and lists, lists longer than MaxList, arguments of more than MaxValues values
// (nesting lists of lists multiplies them), strings with a NUL byte and times with a
// time zone offset beyond ±15:59 (PostgreSQL refuses both), and cursors whose ordering
// value is not of the type of the connection's ordering field. The depth and complexity
// limits count fields; this counts values.
//
// The raw request is bounded first, because gqlparser and the variable coercion recurse
// into whatever they are given: a document nested more than MaxDocumentNesting brackets
// is refused before it is parsed, a variable breaking the limits before it is coerced.
type InputLimits struct {
	MaxDepth           int // objects and lists; a where input of 10 levels passes
	MaxList            int // items of one list: the page size cap
	MaxValues          int // values of one argument, every object, list and scalar
	MaxDocumentNesting int // brackets of a document, selections and values alike

	schema *ast.Schema // set by Validate
	// orderKinds is, for every connection type, the kind of ordering value of each of
	// its order fields (from the schema, by Validate).
	orderKinds map[string]map[string]valueKind
}

// DefaultInputLimits are the server's limits.
func DefaultInputLimits() *InputLimits {
	return &InputLimits{MaxDepth: 10, MaxList: maxPageSize, MaxValues: 1000, MaxDocumentNesting: 64}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = (*InputLimits)(nil)

// ExtensionName implements graphql.HandlerExtension.
func (*InputLimits) ExtensionName() string { return "InputLimits" }

// valueKind is the Go type an ordering value of a cursor must have.
type valueKind int

const (
	kindTime   valueKind = iota // fields named *_AT: time.Time
	kindString                  // any other field, e.g. NAME
)

// Validate implements graphql.HandlerExtension: it learns the order fields of every
// connection (XConnection is ordered by the values of the enum XOrderField).
func (l *InputLimits) Validate(es graphql.ExecutableSchema) error {
	l.schema = es.Schema()
	l.orderKinds = map[string]map[string]valueKind{}
	for name := range es.Schema().Types {
		node, ok := strings.CutSuffix(name, "Connection")
		if !ok {
			continue
		}
		// A list without an orderBy (its order input is left out of the API: ent/entc.go)
		// is still ordered by when its rows were created, and its cursors carry that time.
		kinds := map[string]valueKind{"CREATED_AT": kindTime}
		if enum := es.Schema().Types[node+"OrderField"]; enum != nil {
			for _, v := range enum.EnumValues {
				kinds[v.Name] = kindString
				if strings.HasSuffix(v.Name, "_AT") {
					kinds[v.Name] = kindTime
				}
			}
		}
		l.orderKinds[name] = kinds
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator: it bounds the
// document's nesting and the variables before gqlparser reads them.
func (l *InputLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if tooDeep, inValue := documentNesting(p.Query, l.MaxDocumentNesting); tooDeep {
		if inValue {
			return Error(CodeBadUserInput, fmt.Sprintf("an argument is nested more than %d levels deep", l.MaxDepth))
		}
		e := gqlerror.Errorf("the operation is nested more than %d levels deep", l.MaxDocumentNesting)
		e.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return e
	}
	// The limits of size hold for a variable alone: where it is used only adds depth and
	// values. Strings are checked where the variables are used, which gives their types.
	for name, v := range p.Variables {
		c := l.newCheck(name, "$"+name)
		c.strings = false
		if err := c.goValue(v, 0, nil); err != nil {
			return err
		}
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator: it checks every
// argument of the operation, literal or from variables, fragments included.
func (l *InputLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if err := l.selections(oc, oc.Operation.SelectionSet, map[string]bool{}); err != nil {
		return err
	}
	return l.dropEmptyCursors(oc)
}

// dropEmptyCursors leaves out the cursor arguments written as "" in the document
// (after: ""), as if absent. The parsed document is shared by every request of the same
// text (the query cache): such an operation gets a copy of its own, parsed again.
func (l *InputLimits) dropEmptyCursors(oc *graphql.OperationContext) *gqlerror.Error {
	if !strings.Contains(oc.RawQuery, `""`) || !emptyCursors(oc.Doc, false) {
		return nil
	}
	doc, errs := gqlparser.LoadQueryWithRules(l.schema, oc.RawQuery, nil) // the default rules
	if len(errs) > 0 {
		return errs[0]
	}
	emptyCursors(doc, true)
	oc.Doc = doc
	oc.Operation = doc.Operations.ForName(oc.OperationName)
	return nil
}

// emptyCursors reports whether doc has a cursor argument written as "", and with drop
// removes them.
func emptyCursors(doc *ast.QueryDocument, drop bool) bool {
	found := false
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				kept := s.Arguments[:0:0]
				for _, a := range s.Arguments {
					empty := a.Value != nil && a.Value.Kind == ast.StringValue && a.Value.Raw == "" &&
						s.Definition != nil && s.Definition.Arguments.ForName(a.Name) != nil &&
						s.Definition.Arguments.ForName(a.Name).Type.Name() == "Cursor"
					found = found || empty
					if !empty {
						kept = append(kept, a)
					}
				}
				if drop {
					s.Arguments = kept
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return found
}

func (l *InputLimits) selections(oc *graphql.OperationContext, set ast.SelectionSet, checked map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		var err *gqlerror.Error
		switch s := sel.(type) {
		case *ast.Field:
			err = l.field(oc, s)
			if err == nil {
				err = l.selections(oc, s.SelectionSet, checked)
			}
		case *ast.InlineFragment:
			err = l.directives(oc, s.Directives)
			if err == nil {
				err = l.selections(oc, s.SelectionSet, checked)
			}
		case *ast.FragmentSpread:
			err = l.directives(oc, s.Directives)
			// A fragment's arguments are the same wherever it is spread: check each once
			// (fragments spreading others twice would take exponential time otherwise).
			if f := oc.Doc.Fragments.ForName(s.Name); err == nil && f != nil && !checked[s.Name] {
				checked[s.Name] = true
				err = l.selections(oc, f.SelectionSet, checked)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *InputLimits) directives(oc *graphql.OperationContext, ds ast.DirectiveList) *gqlerror.Error {
	for _, d := range ds {
		for _, a := range d.Arguments {
			if err := l.newCheck(a.Name, a.Name).astValue(oc, a.Value, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *InputLimits) field(oc *graphql.OperationContext, f *ast.Field) *gqlerror.Error {
	if err := l.directives(oc, f.Directives); err != nil {
		return err
	}
	for _, a := range f.Arguments {
		if err := l.newCheck(a.Name, a.Name).astValue(oc, a.Value, 0); err != nil {
			return err
		}
	}
	if f.Definition == nil {
		return nil
	}
	for _, a := range f.Arguments {
		if def := f.Definition.Arguments.ForName(a.Name); def != nil && def.Type.Name() == "Cursor" {
			if err := l.cursor(oc, f, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// cursor checks a cursor argument: entgql compares its value with the ordering column,
// and a value of another type fails in the database (a map, a list, a string that is
// no time on PostgreSQL, a time out of its range).
func (l *InputLimits) cursor(oc *graphql.OperationContext, f *ast.Field, a *ast.Argument) *gqlerror.Error {
	raw, err := a.Value.Value(oc.Variables)
	if err != nil || raw == nil {
		return nil // gqlgen reports what is not a value
	}
	invalid := func(why string) *gqlerror.Error {
		return badInput(a.Name, fmt.Sprintf("%s is not a cursor of this list: %s", a.Name, why))
	}
	s, ok := raw.(string)
	if !ok {
		return invalid("not a string")
	}
	if s == "" {
		// genqlient and other generated clients send "" for "no cursor": it is taken
		// as absent (the first page), from a variable here, written in the document by
		// dropEmptyCursors.
		if a.Value.Kind == ast.Variable {
			oc.Variables[a.Value.Raw] = nil
		}
		return nil
	}
	var c ent.Cursor
	if err := c.UnmarshalGQL(s); err != nil {
		return invalid("it cannot be decoded")
	}
	if err := checkString(string(c.ID)); err != "" {
		return invalid("its id " + err)
	}
	if c.Value == nil {
		return nil // ordered by id, or by a time the row does not have
	}
	kinds, allowed := l.cursorKinds(oc, f)
	var kind valueKind
	switch v := c.Value.(type) {
	case time.Time:
		// PostgreSQL's timestamps end in 294276 and begin in 4713 BC: stay within
		// the years the Time scalar accepts.
		if y := v.Year(); y < 1 || y > 9999 {
			return invalid("its time is out of range")
		}
		kind = kindTime
	case string:
		if err := checkString(v); err != "" {
			return invalid("its value " + err)
		}
		kind = kindString
	default:
		return invalid("its value is neither a time nor a string")
	}
	if !allowed || !kinds[kind] {
		return invalid("its value is not of the type of the list's order")
	}
	return nil
}

// cursorKinds returns the kinds of ordering value the cursors of connection field f may
// carry: that of its orderBy when given, else a time (every list's default order is by
// a time: created, or revoked for the Revoked tab); allowed is false when the field has
// no order field (it is ordered by id, and cursors carry no value).
func (l *InputLimits) cursorKinds(oc *graphql.OperationContext, f *ast.Field) (map[valueKind]bool, bool) {
	fields := l.orderKinds[f.Definition.Type.Name()]
	if len(fields) == 0 {
		return nil, false
	}
	kinds := map[valueKind]bool{}
	if a := f.Arguments.ForName("orderBy"); a != nil {
		v, _ := a.Value.Value(oc.Variables)
		orders, ok := v.([]any) // entgql's multi-order form
		if !ok && v != nil {
			orders = []any{v}
		}
		for _, o := range orders {
			if o, ok := o.(map[string]any); ok {
				if name, ok := o["field"].(string); ok {
					if k, ok := fields[name]; ok {
						kinds[k] = true
					}
				}
			}
		}
		if len(kinds) > 0 {
			return kinds, true
		}
	}
	kinds[kindTime] = true
	return kinds, true
}

// check walks one argument's value (or one variable's).
type check struct {
	l       *InputLimits
	field   string // the argument, for extensions.field
	path    []string
	values  int
	strings bool // whether to look into strings
}

func (l *InputLimits) newCheck(field, name string) *check {
	return &check{l: l, field: field, path: []string{name}, strings: true}
}

func (c *check) fail(format string, args ...any) *gqlerror.Error {
	field := c.field
	if field == "input" && len(c.path) > 1 {
		// A mutation's input: name its field, as the mutation's own validation does
		// (the app shows the error on that field).
		field = c.path[1]
	}
	return badInput(field, strings.Join(c.path, ".")+": "+fmt.Sprintf(format, args...))
}

// enter counts a value at depth (0 for the argument itself) and checks the depth and
// the number of values.
func (c *check) enter(depth int) *gqlerror.Error {
	if c.values++; c.values > c.l.MaxValues {
		return c.fail("more than %d values; at most %d are allowed", c.l.MaxValues, c.l.MaxValues)
	}
	if depth > c.l.MaxDepth {
		return c.fail("nested more than %d levels deep", c.l.MaxDepth)
	}
	return nil
}

func (c *check) list(n int) *gqlerror.Error {
	if n > c.l.MaxList {
		return c.fail("%d items; at most %d are allowed", n, c.l.MaxList)
	}
	return nil
}

// str checks a string of type t (nil when unknown).
func (c *check) str(s string, t *ast.Type) *gqlerror.Error {
	if !c.strings {
		return nil
	}
	err := checkString(s)
	if err == "" && t != nil && t.Name() == "Time" {
		err = checkTime(s)
	}
	if err != "" {
		return c.fail("%s", err)
	}
	return nil
}

// fieldType is the type of field name of input object type t, or nil.
func (c *check) fieldType(t *ast.Type, name string) *ast.Type {
	if t == nil || c.l.schema == nil {
		return nil
	}
	if def := c.l.schema.Types[t.Name()]; def != nil {
		if f := def.Fields.ForName(name); f != nil {
			return f.Type
		}
	}
	return nil
}

func (c *check) astValue(oc *graphql.OperationContext, v *ast.Value, depth int) *gqlerror.Error {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case ast.Variable:
		if x, ok := oc.Variables[v.Raw]; ok {
			return c.goValue(x, depth, v.ExpectedType)
		}
		if v.VariableDefinition != nil {
			return c.astValue(oc, v.VariableDefinition.DefaultValue, depth)
		}
		return nil
	case ast.ListValue, ast.ObjectValue:
		if err := c.enter(depth + 1); err != nil {
			return err
		}
		if v.Kind == ast.ListValue {
			if err := c.list(len(v.Children)); err != nil {
				return err
			}
		}
		for i, child := range v.Children {
			c.path = append(c.path, childName(child.Name, i))
			if err := c.astValue(oc, child.Value, depth+1); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
		return nil
	case ast.StringValue, ast.BlockValue:
		if err := c.enter(depth); err != nil {
			return err
		}
		return c.str(v.Raw, v.ExpectedType)
	default:
		return c.enter(depth)
	}
}

// goValue walks a variable's value of type t (nil when unknown): decoded JSON before
// coercion, or coerced after.
func (c *check) goValue(x any, depth int, t *ast.Type) *gqlerror.Error {
	switch x := x.(type) {
	case map[string]any:
		if err := c.enter(depth + 1); err != nil {
			return err
		}
		for k, v := range x {
			c.path = append(c.path, k)
			if err := c.goValue(v, depth+1, c.fieldType(t, k)); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
	case []any:
		if err := c.enter(depth + 1); err != nil {
			return err
		}
		if err := c.list(len(x)); err != nil {
			return err
		}
		var elem *ast.Type
		if t != nil {
			elem = t.Elem
		}
		for i, v := range x {
			c.path = append(c.path, childName("", i))
			if err := c.goValue(v, depth+1, elem); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
	case string:
		if err := c.enter(depth); err != nil {
			return err
		}
		return c.str(x, t)
	case nil, bool, json.Number, int, int64, float64:
		return c.enter(depth)
	default:
		// Coerced variables may hold other scalars; they carry no strings of the client's.
		return c.enter(depth)
	}
	return nil
}

func childName(name string, i int) string {
	if name != "" {
		return name
	}
	return fmt.Sprint(i)
}

// checkString says what is wrong with a string the database would refuse, or "".
func checkString(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	return ""
}

// maxZoneOffset is the largest time zone offset PostgreSQL takes (RFC 3339 allows 23:59).
const maxZoneOffset = 15*time.Hour + 59*time.Minute

// checkTime says what is wrong with a Time the database would refuse, or "" (also for
// what is no time: the Time scalar says so).
func checkTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	if _, offset := t.Zone(); time.Duration(offset)*time.Second > maxZoneOffset || time.Duration(-offset)*time.Second > maxZoneOffset {
		return "has a time zone offset beyond ±15:59"
	}
	return ""
}

// documentNesting reports whether brackets ({, [ and ( outside strings and comments)
// nest more than limit deep in a GraphQL document, and whether the deepest point is
// inside arguments (values) rather than selections.
func documentNesting(q string, limit int) (tooDeep, inValue bool) {
	var stack []byte
	parens := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				for i += 3; i < len(q) && !strings.HasPrefix(q[i:], `"""`); i++ {
					if strings.HasPrefix(q[i:], `\"""`) { // an escaped """ does not end it
						i += 3
					}
				}
				i += 2
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '[', '(':
			if len(stack) == limit {
				return true, parens > 0
			}
			stack = append(stack, c)
			if c == '(' {
				parens++
			}
		case '}', ']', ')':
			if len(stack) > 0 {
				if stack[len(stack)-1] == '(' {
					parens--
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	return false, false
}
