package schema

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// MaxNameLength is the longest name (of an organization, a person or a service account).
const MaxNameLength = 100

// validName accepts 1 to 100 characters without surrounding spaces, control characters
// or direction-changing characters; callers trim what users typed before saving.
func validName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("name must not be empty")
	case strings.TrimSpace(s) != s:
		return errors.New("name must not start or end with spaces")
	case !utf8.ValidString(s):
		return errors.New("name must be valid UTF-8")
	case utf8.RuneCountInString(s) > MaxNameLength:
		return errors.New("name must be at most 100 characters")
	case strings.IndexFunc(s, hidden) >= 0:
		return errors.New("name must not contain control characters or characters that change the text's direction")
	}
	return nil
}

// hidden reports whether r is a control character (C0, C1, DEL) or a bidirectional
// formatting character: shown in a list they hide or reorder what follows
// (U+202E makes "gnp.exe" read "exe.png"). Joiners such as U+200D, which emoji
// sequences need, are not hidden.
func hidden(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u061C', r == '\u200E', r == '\u200F',
		'\u202A' <= r && r <= '\u202E',
		'\u2066' <= r && r <= '\u2069':
		return true
	}
	return false
}

// PlainText is s without the characters that validName refuses (and with invalid
// UTF-8 replaced): for text the server stores as it came, such as user agents.
func PlainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if hidden(r) {
			return -1
		}
		return r
	}, s)
}

// FoldName is a name in Unicode case folding, as searches compare names: "Ørsted" and
// "ØRSTED" fold alike, "Straße" folds to "strasse", a final sigma to a sigma. Turkish's
// dotted and dotless i (İ, ı) fold to i as well, so "istanbul" finds "İstanbul" and
// "ığdır" finds "IĞDIR", whichever way the name and the search were typed.
func FoldName(s string) string { return turkishI.Replace(cases.Fold().String(s)) }

var turkishI = strings.NewReplacer("ı", "i", "i\u0307", "i")

// ClientText is text a client sent (a User-Agent) as it is kept for display: PlainText,
// cut to at most n bytes at a character boundary.
func ClientText(s string, n int) string {
	s = PlainText(s)
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
