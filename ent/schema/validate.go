package schema

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MaxNameLength is the longest name (of an organization, a person or a service account).
const MaxNameLength = 100

// validName accepts 1 to 100 characters without surrounding spaces; callers trim
// what users typed before saving.
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
	}
	return nil
}
