// Package pulid provides the identifier of every entity: a type prefix and a ULID
// ("key_01JD…"). The prefix lets node(id) find the table; the ULID's 80 random bits
// (fresh for every id, never monotonic) mean no tenant can infer another's activity
// from id gaps.
package pulid

import (
	"crypto/rand"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID is a prefixed ULID such as "usr_01JD3Q…".
type ID string

// New returns a fresh ID with the given prefix (without the underscore).
func New(prefix string) ID {
	return ID(prefix + "_" + ulid.MustNew(ulid.Timestamp(time.Now()), rand.Reader).String())
}

// Prefix returns the type prefix of the id, or "" when it has none.
func (id ID) Prefix() string {
	p, _, ok := strings.Cut(string(id), "_")
	if !ok {
		return ""
	}
	return p
}

// UnmarshalGQL implements graphql.Unmarshaler.
func (id *ID) UnmarshalGQL(v any) error {
	switch v := v.(type) {
	case string:
		*id = ID(v)
	case ID:
		*id = v
	default:
		return fmt.Errorf("an ID must be a string, not %T", v)
	}
	return nil
}

// MarshalGQL implements graphql.Marshaler: the id as a JSON string. An id the server
// made (letters, digits, an underscore) is written as it is, without an allocation; any
// other (one a client sent) is escaped as JSON requires.
func (id ID) MarshalGQL(w io.Writer) {
	if !plain(string(id)) {
		b, _ := json.Marshal(string(id))
		_, _ = w.Write(b)
		return
	}
	_, _ = io.WriteString(w, `"`)
	_, _ = io.WriteString(w, string(id))
	_, _ = io.WriteString(w, `"`)
}

// plain says whether s has only ASCII letters, digits and underscores.
func plain(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Scan implements sql.Scanner.
func (id *ID) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*id = ID(v)
	case []byte:
		*id = ID(v)
	case nil: // an optional reference that is not set
		*id = ""
	default:
		return fmt.Errorf("pulid: cannot scan %T", src)
	}
	return nil
}

// Value implements driver.Valuer.
func (id ID) Value() (driver.Value, error) { return string(id), nil }
