// Package password hashes people's passwords with argon2id (RFC 9106) in the PHC
// string format, so the parameters can be raised later without breaking old hashes.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinLength and MaxLength bound a new password, in characters.
const (
	MinLength = 12
	MaxLength = 256
)

// The OWASP-recommended minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	keyLen    = 32
	saltLen   = 16
)

var b64 = base64.RawStdEncoding

// Check says what is wrong with a new password, or returns nil.
func Check(p string) error {
	switch n := utf8.RuneCountInString(p); {
	case strings.TrimSpace(p) == "":
		return errors.New("password must not be blank")
	case n < MinLength:
		return fmt.Errorf("password must be at least %d characters", MinLength)
	case n > MaxLength:
		return fmt.Errorf("password must be at most %d characters", MaxLength)
	}
	return nil
}

// Each argon2id computation holds its 19 MiB for its whole run: slots bounds how many
// run at once, so that requests sent together queue for the CPUs instead of each
// taking its memory.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

// MaxWait is how long a computation waits for a slot before ErrBusy.
const MaxWait = 5 * time.Second

// ErrBusy says that too many passwords are being checked at once: try again shortly.
var ErrBusy = errors.New("password: too many password checks at once")

// withSlot runs f in a free slot, waiting for one at most MaxWait (or until ctx ends).
func withSlot(ctx context.Context, f func()) error {
	select {
	case slots <- struct{}{}:
	default:
		t := time.NewTimer(MaxWait)
		defer t.Stop()
		select {
		case slots <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-slots }()
	f()
	return nil
}

// Hash returns the encoded argon2id hash of p with a fresh salt.
func Hash(ctx context.Context, p string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	var key []byte
	if err := withSlot(ctx, func() { key = argon2.IDKey([]byte(p), salt, passes, memoryKiB, lanes, keyLen) }); err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errFormat = errors.New("password: unknown hash format")

// Verify reports whether p matches the encoded hash, in constant time.
func Verify(ctx context.Context, encoded, p string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errFormat
	}
	var version int
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false, errFormat
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errFormat
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errFormat
	}
	var got []byte
	if err := withSlot(ctx, func() { got = argon2.IDKey([]byte(p), salt, iterations, memory, threads, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummy is verified against when an email is unknown, so that an unknown email and a
// wrong password take the same time.
var dummy, _ = Hash(context.Background(), "not a password of anyone")

// VerifyNothing spends the time of one Verify (and waits for a slot like it).
func VerifyNothing(ctx context.Context, p string) error {
	_, err := Verify(ctx, dummy, p)
	return err
}
