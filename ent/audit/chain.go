package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gowebpki/jcs"
)

// The hash chain: every entry of an organization has a sequence (1, 2, 3, … without
// gaps), the previous entry's hash and its own hash, SHA-256 over the canonical encoding
// of the entry and that previous hash. docs/audit-chain.md specifies the encoding for
// auditors who check a trail with their own tools; this file is its implementation.

// Version is the first field of every encoded entry: a new encoding gets a new one.
const Version = "apikeys-audit-chain-v1"

// ZeroHash is the previous hash of an organization's first entry.
var ZeroHash = strings.Repeat("0", 2*sha256.Size)

// TimeLayout writes an entry's time in its encoding and in exports: UTC, microseconds
// (what PostgreSQL keeps), always six digits.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// ChainTime is t as it is stored and hashed: UTC, cut to the microsecond.
func ChainTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Chained is an entry as its hash covers it.
type Chained struct {
	OrganizationID string
	Sequence       int64
	ID             string
	Time           time.Time
	Action         string
	ActorKind      string
	ActorID        string // "" for none
	ActorName      string
	TargetKind     string
	TargetID       string
	TargetName     string
	// Metadata is the entry's metadata as JSON (any formatting: it is canonicalized by
	// RFC 8785); empty or "null" for none, hashed as {}.
	Metadata     []byte
	IP           string
	UserAgent    string
	PreviousHash string
}

// Hash is the entry's hash: lowercase hex SHA-256 of its encoding.
func (e *Chained) Hash() (string, error) {
	b, err := e.Encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Encode returns the bytes that the hash covers: each field in a fixed order as its
// length in bytes (4 bytes, big-endian) followed by its UTF-8 bytes.
func (e *Chained) Encode() ([]byte, error) {
	meta, err := CanonicalMetadata(e.Metadata)
	if err != nil {
		return nil, err
	}
	fields := [...]string{
		Version,
		e.OrganizationID,
		strconv.FormatInt(e.Sequence, 10),
		e.ID,
		e.Time.UTC().Format(TimeLayout),
		e.Action,
		e.ActorKind, e.ActorID, e.ActorName,
		e.TargetKind, e.TargetID, e.TargetName,
		string(meta),
		e.IP, e.UserAgent,
		e.PreviousHash,
	}
	n := 0
	for _, f := range fields {
		n += 4 + len(f)
	}
	b := make([]byte, 0, n)
	for _, f := range fields {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b, nil
}

// CanonicalMetadata is metadata in the JSON Canonicalization Scheme (RFC 8785): the
// same bytes however it was formatted; {} for none.
func CanonicalMetadata(raw []byte) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return []byte("{}"), nil
	}
	return jcs.Transform(raw)
}

// metadataJSON is m as JSON, for hashing at write time ({} for none).
func metadataJSON(m Metadata) ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}
