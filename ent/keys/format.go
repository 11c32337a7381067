// Package keys is the API key format: "gak_", 30 random base62 characters (about 178
// bits from crypto/rand) and 6 base62 characters of the CRC-32 of the random part.
// The fixed prefix lets secret scanners recognize a leaked key; the checksum rejects a
// mistyped or made-up key before any database lookup.
package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"io"
	"strings"
)

const (
	// Prefix starts every key.
	Prefix = "gak_"
	// Len is the length of a key.
	Len = len(Prefix) + randomLen + checksumLen

	randomLen   = 30
	checksumLen = 6
	alphabet    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// Bytes at or above this are rejected, so that every character is equally likely.
	unbiasedLimit = 256 - 256%len(alphabet)
)

// ErrMalformed is returned for a string that is not a well-formed key.
var ErrMalformed = errors.New("malformed API key")

// Hash is the SHA-256 of a key: all that is stored of it.
type Hash [sha256.Size]byte

// Generate returns a new random key.
func Generate() (string, error) { return generate(rand.Reader) }

func generate(r io.Reader) (string, error) {
	out := make([]byte, 0, Len)
	out = append(out, Prefix...)
	buf := make([]byte, 64)
	for len(out) < len(Prefix)+randomLen {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) >= unbiasedLimit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == len(Prefix)+randomLen {
				break
			}
		}
	}
	return string(appendChecksum(out, out[len(Prefix):])), nil
}

func appendChecksum(dst, random []byte) []byte {
	sum := crc32.ChecksumIEEE(random)
	var enc [checksumLen]byte
	for i := checksumLen - 1; i >= 0; i-- {
		enc[i] = alphabet[sum%uint32(len(alphabet))]
		sum /= uint32(len(alphabet))
	}
	return append(dst, enc[:]...)
}

// Parse checks that s is a well-formed key with a valid checksum and returns its hash.
// It does not say whether such a key exists.
func Parse(s string) (Hash, error) {
	if len(s) != Len || s[:len(Prefix)] != Prefix {
		return Hash{}, ErrMalformed
	}
	for i := len(Prefix); i < Len; i++ {
		if !isBase62(s[i]) {
			return Hash{}, ErrMalformed
		}
	}
	random := s[len(Prefix) : len(Prefix)+randomLen]
	var want [checksumLen]byte
	if string(appendChecksum(want[:0], []byte(random))) != s[len(Prefix)+randomLen:] {
		return Hash{}, ErrMalformed
	}
	return sha256.Sum256([]byte(s)), nil
}

// LastFour returns the last four characters of a key, shown in its masked preview.
func LastFour(s string) string { return s[len(s)-4:] }

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// Tail returns the end of a key in text as a masked key or a log shows it: "gak_…ExxQ",
// "…ExxQ" or "...ExxQ" (marked: the text can only be a key's end), or 1 to 4 base62
// characters alone (which may as well be part of a name). tail is "" when text is
// neither.
func Tail(text string) (tail string, marked bool) {
	rest := strings.TrimPrefix(text, Prefix)
	for _, ellipsis := range []string{"…", "..."} {
		if r, ok := strings.CutPrefix(rest, ellipsis); ok {
			rest, marked = r, true
			break
		}
	}
	marked = marked || len(rest) < len(text)
	if rest == "" || len(rest) > 4 {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		if !isBase62(rest[i]) {
			return "", false
		}
	}
	return rest, marked
}
