package graph

import (
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalTime writes the Time scalar as gqlgen's graphql.MarshalTime does (RFC 3339
// with nanoseconds, quoted; null for the zero time), which gqlgen.yml binds it to
// instead: gqlgen's makes a closure, a formatted string and a quoted copy of it per
// time, here the time is formatted straight into the response.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return rfc3339(t)
}

// UnmarshalTime reads the Time scalar as gqlgen does.
func UnmarshalTime(v any) (time.Time, error) {
	return graphql.UnmarshalTime(v)
}

type rfc3339 time.Time

func (t rfc3339) MarshalGQL(w io.Writer) {
	var b []byte
	if buf, ok := w.(interface{ AvailableBuffer() []byte }); ok { // bytes.Buffer, bufio.Writer
		b = buf.AvailableBuffer()
	}
	b = append(b, '"')
	b = time.Time(t).AppendFormat(b, time.RFC3339Nano) // no character to escape
	b = append(b, '"')
	_, _ = w.Write(b)
}
