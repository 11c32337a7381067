package audit

import (
	"strings"
	"testing"
	"time"
)

// The example of docs/audit-chain.md: an auditor's implementation checks itself
// against it, so the encoding may not change under the same Version.
func TestTheDocumentedExampleHashes(t *testing.T) {
	e := Chained{
		OrganizationID: "org_01JD3Q8Z7X5N2M4K6P8R0T2V4W",
		Sequence:       2,
		ID:             "aud_01JD3Q9A1B2C3D4E5F6G7H8J9K",
		Time:           time.Date(2026, 12, 2, 9, 30, 0, 123456789, time.UTC), // hashed to the microsecond
		Action:         "API_KEY_UPDATED",
		ActorKind:      "USER",
		ActorID:        "usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X",
		ActorName:      "Ada Auditor",
		TargetKind:     "API_KEY",
		TargetID:       "key_01JD3Q8ZAAAAAAAAAAAAAAAAAA",
		TargetName:     "Payroll export",
		Metadata:       []byte(`{"name": {"old": "Payroll", "new": "Payroll export"}}`),
		IP:             "203.0.113.7",
		UserAgent:      "Mozilla/5.0",
		PreviousHash:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
	h, err := e.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if want := "bec904653d6ff6f31eb1dc9d6a3665a9784feb27dd3886e3a3d408386e527d1e"; h != want {
		t.Fatalf("hash %s, want %s (docs/audit-chain.md)", h, want)
	}
	b, _ := e.Encode()
	if len(b) != 0x1a4 || !strings.HasPrefix(string(b), "\x00\x00\x00\x16apikeys-audit-chain-v1") {
		t.Fatalf("encoding of %d bytes: %q…", len(b), b[:30])
	}
	// Metadata is hashed in its canonical form: formatting does not matter, content does.
	e.Metadata = []byte(`{"name":{"new":"Payroll export","old":"Payroll"}}`)
	if h2, _ := e.Hash(); h2 != h {
		t.Fatal("reformatted metadata changed the hash")
	}
	e.Metadata = []byte(`{"name":{"new":"Payroll export","old":"Payroll "}}`)
	if h2, _ := e.Hash(); h2 == h {
		t.Fatal("changed metadata kept the hash")
	}
	var none Chained
	none.Metadata = nil
	a, _ := none.Encode()
	none.Metadata = []byte("{}")
	if b, _ := none.Encode(); string(a) != string(b) {
		t.Fatal("no metadata is not hashed as {}")
	}
}
