package keys

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math"
	"strings"
	"testing"

	"apikeys/ent"
)

func TestGeneratedKeysHaveTheFormatAndParse(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != 40 || !strings.HasPrefix(k, "gak_") {
			t.Fatalf("key %q: want 40 characters starting with gak_", k)
		}
		h, err := Parse(k)
		if err != nil {
			t.Fatalf("Parse(%q): %v", k, err)
		}
		if h != sha256.Sum256([]byte(k)) {
			t.Fatalf("Parse(%q) hash is not the SHA-256 of the key", k)
		}
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
	}
}

func TestEveryCharacterIsEquallyLikely(t *testing.T) {
	// A gross skew check (TestGenerateSkipsBiasedBytes pins the rejection sampling):
	// 20,000 keys * 30 positions / 62 characters = 9,677 per character, sigma ~98; a
	// character off by more than 6 sigma means the alphabet or the sampling is broken.
	counts := map[byte]int{}
	const n = 20000
	for range n {
		k, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		for i := len(Prefix); i < len(Prefix)+randomLen; i++ {
			counts[k[i]]++
		}
	}
	if len(counts) != 62 {
		t.Fatalf("saw %d distinct characters, want 62", len(counts))
	}
	mean := float64(n*randomLen) / 62
	for c, got := range counts {
		if d := float64(got) - mean; d > 6*math.Sqrt(mean) || d < -6*math.Sqrt(mean) {
			t.Errorf("character %q appeared %d times, mean %.0f", c, got, mean)
		}
	}
}

func TestGenerateSkipsBiasedBytes(t *testing.T) {
	// Bytes 248..255 must be skipped, not folded onto the first characters.
	src := bytes.NewReader(append(bytes.Repeat([]byte{255, 248}, 32), bytes.Repeat([]byte{1}, 64)...))
	k, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := k[4:34]; got != strings.Repeat("1", 30) {
		t.Fatalf("random part %q, want thirty '1'", got)
	}
}

func TestParseRejectsMalformedKeys(t *testing.T) {
	good, _ := Generate()
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	cases := map[string]string{
		"empty":            "",
		"wrong prefix":     "gbk_" + good[4:],
		"upper prefix":     "GAK_" + good[4:],
		"too short":        good[:39],
		"too long":         good + "a",
		"typo in random":   flip(good, 10),
		"typo in checksum": flip(good, 38),
		"non-ASCII":        good[:20] + "é" + good[22:],
		"punctuation":      good[:20] + "-" + good[21:],
		"spaces":           " " + good[:39],
	}
	for name, s := range cases {
		if _, err := Parse(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Parse(%q) = %v, want ErrMalformed", name, s, err)
		}
	}
}

func TestMaskedKey(t *testing.T) {
	if got := (&ent.APIKey{Prefix: Prefix, LastFour: "k3Zq"}).MaskedKey(); got != "gak_…k3Zq" {
		t.Fatalf("MaskedKey = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	good, _ := Generate()
	for _, s := range []string{good, "", "gak_", good[:39], good + "x", "gak_" + strings.Repeat("0", 36), "gak_\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// Whatever parses is a 40-character base62 key whose hash is its SHA-256.
		if len(s) != Len || !strings.HasPrefix(s, Prefix) || h != sha256.Sum256([]byte(s)) {
			t.Fatalf("Parse accepted %q", s)
		}
		// Changing any one character of the random part breaks the checksum, unless
		// the CRC collides (one in 2^32): not for the fuzzer's small inputs.
	})
}
