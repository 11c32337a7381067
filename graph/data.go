package graph

import (
	"bytes"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// The buffers the data of queries and mutations are written into (graph/gqlgen puts
// marshalData where gqlgen writes into a new bytes.Buffer). A page of keys is some
// 30 KB: in a new buffer it grew from 64 bytes ten times, 60 KB of garbage a page.
var dataBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledData is the largest buffer given back to dataBuffers: a rare large answer
// is not kept for every later one.
const maxPooledData = 1 << 20

// marshalData writes a response's data into a buffer from dataBuffers.
func marshalData(m graphql.Marshaler) []byte {
	buf := dataBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	m.MarshalGQL(buf)
	return buf.Bytes()
}

// ReleaseData gives the data of a response (graphql.Response.Data, as the executable
// schema made it) back to be written over by a later response. The caller must be the
// only holder of data, done with it (written, and no longer read), and release it once:
// the POST transport does, after its last Write. Data not given back (answers over GET
// or WebSocket, or dropped) is left to the collector.
func ReleaseData(data []byte) {
	if cap(data) == 0 || cap(data) > maxPooledData {
		return
	}
	dataBuffers.Put(bytes.NewBuffer(data[:0]))
}
