package app

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse writes the JSON encoding/json writes of a graphql.Response (gqlgen's
// transports write that), "data" copied as it is.
func TestWriteResponseWritesWhatEncodingJSONWrites(t *testing.T) {
	yes := true
	for _, res := range []*graphql.Response{
		{Data: json.RawMessage(`{"viewer":{"name":"Zoë <ops> & \"billing\" 東京 \u2028"}}`)},
		{Data: json.RawMessage(`null`)},
		{},
		{Errors: gqlerror.List{{Message: "no such field", Path: ast.Path{ast.PathName("a")}, Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}},
		{Errors: gqlerror.List{{Message: "half"}}, Data: json.RawMessage(`{"a":null,"b":[1,2]}`)},
		{Data: json.RawMessage(`{}`), Label: "l", Path: ast.Path{ast.PathName("x"), ast.PathIndex(1)}, HasNext: &yes,
			Extensions: map[string]any{"complexity": 3}},
		{Data: json.RawMessage(`{}`), Extensions: map[string]any{"n": 1}},
	} {
		want, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeResponse(&got, res)
		var w, g any
		if err := json.Unmarshal(got.Bytes(), &g); err != nil {
			t.Fatalf("%s is not JSON: %v", &got, err)
		}
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) || !bytes.Equal(compact(t, got.Bytes()), compact(t, want)) {
			t.Errorf("wrote %s, encoding/json writes %s", &got, want)
		}
	}
}

// compact is b as encoding/json's compaction writes it (with its HTML escapes), to
// compare field order too.
func compact(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	var h bytes.Buffer
	json.HTMLEscape(&h, out.Bytes())
	return h.Bytes()
}
