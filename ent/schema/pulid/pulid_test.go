package pulid

import (
	"bytes"
	"encoding/json"
	"testing"
)

// An id is a JSON string however odd: the server's own as they are, a client's escaped.
func TestMarshalGQLWritesJSON(t *testing.T) {
	for _, id := range []ID{New("key"), "usr_01JD3Q", "", `key_"quoted"`, "key_\x00\n", "ключ_1", "key_<script>"} {
		var b bytes.Buffer
		id.MarshalGQL(&b)
		var back string
		if err := json.Unmarshal(b.Bytes(), &back); err != nil || back != string(id) {
			t.Errorf("%q written as %s: back %q, %v", id, b.Bytes(), back, err)
		}
	}
	// The server's own are written without an allocation (a page writes a hundred).
	id, b := New("key"), bytes.NewBuffer(make([]byte, 0, 64))
	if n := testing.AllocsPerRun(100, func() { b.Reset(); id.MarshalGQL(b) }); n != 0 {
		t.Errorf("%v allocations to write %s", n, id)
	}
}
