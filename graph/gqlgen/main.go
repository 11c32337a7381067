// Command gqlgen is gqlgen as this project runs it (`go generate ./graph`): gqlgen's own
// generation from gqlgen.yml, with five changes to the code it writes. Root fields
// (queries, subscriptions) resolve as gqlgen makes them.
//
//   - Fields resolve inline and lists marshal their elements one after the other
//     (graph.marshalSerially), on the request's goroutine. gqlgen gives every resolver
//     field, and every element of a list of objects, a goroutine of its own: a page of
//     50 keys started some 200. Nothing below the root blocks here (a page loads the
//     people it names before it is marshaled; the rest are computations on loaded
//     rows), so that bought nothing and cost a third of the page's CPU.
//   - No object makes a group of @defer'd fields: none can be deferred once no field
//     resolves concurrently, so deferred fields arrive in the response with the rest
//     (gqlgen's POST transport used to answer them null, with hasNext, and never send
//     the rest).
//   - The data of queries and mutations are written into buffers used again
//     (graph.marshalData; the POST transport gives them back with graph.ReleaseData).
//   - Objects below the root fill a graph.object (one allocation) instead of a
//     graphql.FieldSet (two, with a mutex and callbacks for fields resolved
//     concurrently), and all, the root's too, are written as graph.marshalObject writes
//     them: gqlgen writes an object's fields through an iterator that copies each field
//     (a graphql.CollectedField, over 100 bytes) to the heap and a map of the names
//     written, about a quarter of a page's allocations.
//   - A field that only reads from its object, a column or a method without a context
//     (APIKey.maskedKey, APIKeyEdge.node, APIKey.serviceAccount), is marshaled straight
//     from the read: gqlgen gives each a field context, a context value, four closures,
//     a boxed value and a turn through the resolver middleware, some nine allocations.
//     A read of an object (or a list of them) keeps its field context, which its own
//     fields' errors name in their path; a read of a scalar or an enum has none. A
//     method that returns an error (APIKey.createdByName) goes gqlgen's way only when it
//     fails, so its error names its path. What such a read loses: the path of the error
//     of a non-null scalar whose value marshals as null (a zero time.Time), which no
//     stored row has, names the object instead; and a panic below it is recovered by
//     the nearest field or list element that recovers, one level up, not by the read.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	if err := generate(); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

func generate() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	p := &inline{}
	if err := api.Generate(cfg, api.AddPlugin(p)); err != nil {
		return err
	}
	return rewrite(cfg.Exec.Filename, p.reads, p.objectReads)
}

// inline makes every field below the root resolve on the request's goroutine (gqlgen's
// own switch for mutations, Object.DisableConcurrency, set on the rest) and collects the
// fields that only read from their object.
type inline struct {
	reads       []string // the generated functions of those reading scalars, _Object_field
	objectReads []string // and of those reading objects
}

func (*inline) Name() string { return "inline" }

func (p *inline) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Root {
			continue
		}
		o.DisableConcurrency = true
		for _, f := range o.Fields {
			switch reads(f) {
			case scalar:
				p.reads = append(p.reads, "_"+o.Name+"_"+f.Name)
			case object:
				p.objectReads = append(p.objectReads, "_"+o.Name+"_"+f.Name)
			}
		}
	}
	return nil
}

// What a field reads from its object.
const (
	computed = iota // not a read: a resolver, or a method with a context or arguments
	scalar          // a scalar or an enum, or a list of them
	object          // an object, interface or union, or a list of them
)

// reads says what f reads from its object, if it only reads.
func reads(f *codegen.Field) int {
	if f.IsResolver || f.MethodHasContext || len(f.Args) > 0 || len(f.Directives) > 0 {
		return computed
	}
	switch f.TypeReference.Definition.Kind {
	case ast.Scalar, ast.Enum:
		return scalar
	case ast.Object, ast.Interface, ast.Union:
		return object
	}
	return computed
}

// What rewrite changes in the generated code, and what it writes instead.
var (
	// How gqlgen marshals a list of objects or enums; marshalSerially has the same
	// signature.
	concurrentList, serialList = []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSerially(")
	// Each object's group of @defer'd fields, made (with the object's path, a map and a
	// field set) whatever the request: only a field resolved concurrently (given
	// &deferred) can be deferred, and none is, so every group stays empty.
	newGroup, emptyGroup = []byte("deferred := graphql.NewDeferredGroup(ctx)"), []byte("var deferred graphql.DeferredGroup // none is deferred: see graph/gqlgen")
	usesGroup            = []byte("&deferred")
	// How an object is returned once its fields have their values (a FieldSet, which
	// gqlgen writes through an iterator copying each field to the heap and a map of the
	// names written), and the same fields written by graph.marshalObject.
	returnFieldSet, returnObject = []byte("\n\treturn out\n}\n"), []byte("\n\treturn marshalObject(fields, out.Values) // see graph/gqlgen\n}\n")
	// How a query's and a mutation's data are written (into a new bytes.Buffer), and the
	// same into a buffer from graph.marshalData's pool.
	queryData, queryDataPooled = []byte("\t\t\tvar buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)\n\t\t\tresponse.Data = buf.Bytes()\n"),
		[]byte("\t\t\tresponse.Data = marshalData(data) // see graph/gqlgen\n")
	mutationData, mutationDataPooled = []byte("\t\t\tvar buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)\n\n\t\t\treturn &graphql.Response{\n\t\t\t\tData: buf.Bytes(),\n"),
		[]byte("\t\t\treturn &graphql.Response{\n\t\t\t\tData: marshalData(data), // see graph/gqlgen\n")
)

// rewrite changes the generated file where no setting of gqlgen can: lists marshal
// their elements with marshalSerially instead of graphql.MarshalSliceConcurrently (its
// worker_limit still starts a goroutine per element), objects make no group of deferred
// fields, fill a graph.object below the root and are written as marshalObject writes
// them, data go into buffers used again, and the reads are marshaled inline. Should
// gqlgen stop writing what is replaced, or start deferring fields, generation fails here
// rather than quietly going back to the costlier code or dropping deferred fields.
func rewrite(path string, reads, objectReads []string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, s := range [][]byte{concurrentList, newGroup, returnFieldSet, queryData, mutationData} {
		if !bytes.Contains(b, s) {
			return fmt.Errorf("%s no longer has %s: see graph/gqlgen", path, s)
		}
	}
	if bytes.Contains(b, usesGroup) {
		return fmt.Errorf("%s defers fields (%s): graph/gqlgen may no longer drop the deferred groups", path, usesGroup)
	}
	b = bytes.ReplaceAll(b, concurrentList, serialList)
	b = bytes.ReplaceAll(b, newGroup, emptyGroup)
	b, err = objects(b)
	if err != nil {
		return err
	}
	b = bytes.Replace(b, queryData, queryDataPooled, 1)
	b = bytes.Replace(b, mutationData, mutationDataPooled, 1)
	for _, name := range append(reads, objectReads...) {
		var found bool
		re := regexp.MustCompile(strings.ReplaceAll(readField, "NAME", regexp.QuoteMeta(name)))
		b = re.ReplaceAllFunc(b, func(f []byte) []byte {
			found = true
			m := re.FindSubmatch(f)
			fieldContext, read, marshal := m[2], m[3], m[5]
			body := f[bytes.Index(f, []byte("\treturn graphql.ResolveField(")):]
			head := bytes.Clone(f[:len(f)-len(body)])
			// An object's fields need the field context (their errors' path goes
			// through it); a scalar has no fields.
			inline := fmt.Appendf(nil, "return ec.%s(ctx, field.Selections, v)", marshal)
			if slices.Contains(objectReads, name) {
				inline = fmt.Appendf(nil, "fc, _ := ec.%s(ctx, field)\n\tfc.Result = v\n\treturn ec.%s(graphql.WithFieldContext(ctx, fc), field.Selections, v)", fieldContext, marshal)
			}
			if len(m[4]) > 0 { // the read cannot fail
				return fmt.Appendf(head, "\tv := %s // read inline: see graph/gqlgen\n\t%s\n}\n", read, inline)
			}
			// A read that failed goes gqlgen's way, to report its error on its path.
			inline = bytes.ReplaceAll(inline, []byte("\n\t"), []byte("\n\t\t"))
			return fmt.Appendf(head, "\tif v, err := %s; err == nil { // read inline: see graph/gqlgen\n\t\t%s\n\t}\n%s", read, inline, body)
		})
		if !found {
			return fmt.Errorf("%s: %s is not the read of a field that graph/gqlgen knows", path, name)
		}
	}
	if b, err = format.Source(b); err != nil {
		return fmt.Errorf("%s after the rewrite: %w", path, err)
	}
	return os.WriteFile(path, b, 0o644)
}

// objects changes how every object is made and returned: one whose fields resolve on
// the request's goroutine (all but the root's) fills a graph.object instead of a
// graphql.FieldSet, which is made to take values from goroutines (a mutex, a slice of
// callbacks), and is returned as it is; the root's FieldSet is returned as
// graph.marshalObject writes it.
func objects(b []byte) ([]byte, error) {
	funcs := bytes.SplitAfter(b, []byte("\n}\n"))
	var below int
	for i, f := range funcs {
		if !bytes.Contains(f, newFieldSet) {
			continue
		}
		if !bytes.HasSuffix(f, returnFieldSet) {
			return nil, fmt.Errorf("an object that does not end with %q: see graph/gqlgen", returnFieldSet)
		}
		if bytes.Contains(f, []byte("Concurrently")) { // the root's
			funcs[i] = append(bytes.Clone(f[:len(f)-len(returnFieldSet)]), returnObject...)
			continue
		}
		funcs[i] = bytes.Replace(f, newFieldSet, newObject, 1)
		below++
	}
	if below == 0 {
		return nil, fmt.Errorf("no object fills %q: see graph/gqlgen", newFieldSet)
	}
	return bytes.Join(funcs, nil), nil
}

var newFieldSet, newObject = []byte("out := graphql.NewFieldSet(fields)"), []byte("out := newObject(fields) // see graph/gqlgen")

// readField is how gqlgen writes the function of a field that reads from its object
// (NAME is its name), with the object's type, the function of its field context, the
// read, whether the read returns an error, and the marshaler as groups.
const readField = `func \(ec \*executionContext\) NAME\(ctx context\.Context, field graphql\.CollectedField, obj (\S+)\) \(ret graphql\.Marshaler\) \{
	return graphql\.ResolveField\(
		ctx,
		ec\.OperationContext,
		field,
		func\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
			return ec\.(fieldContext_\w+)\(ctx, field\)
		\},
		func\(ctx context\.Context\) \(any, error\) \{
			return ([^\n]+?)(, nil)?
		\},
		nil,
		func\(ctx context\.Context, selections ast\.SelectionSet, v [^\n]+\) graphql\.Marshaler \{
			return ec\.(\S+)\(ctx, selections, v\)
		\},
		true,
		(?:true|false),
	\)
\}
`
