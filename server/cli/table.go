package cli

import (
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// table writes rows in columns aligned by their width on a terminal: text/tabwriter
// counts runes, so a name in Chinese or Japanese (two columns a character) or with
// combining accents (none) would push the columns after it out of line.
type table struct {
	rows [][]string
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = printable(c)
	}
	t.rows = append(t.rows, cells)
}

// write pads every column but the last to its widest cell plus two spaces.
func (t *table) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], textWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-textWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textWidth is how many terminal columns s takes: two for wide and fullwidth East Asian
// characters, none for combining marks and zero-width characters, one for the rest.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// printable replaces control characters and characters that change the text's direction
// (which the server refuses in names, but an older entry may hold) so that a cell can
// neither move the terminal's cursor nor reorder the columns.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
