package cli

import (
	"strings"
	"testing"
)

// Names in other alphabets keep the columns after them in line on a terminal: Cyrillic
// takes a column a letter, Chinese and Japanese two, combining accents none.
func TestTableAlignsByTerminalColumns(t *testing.T) {
	tab := &table{}
	tab.row("ID", "NAME", "KEY")
	tab.row("key_1", "Склад Москва — очень длинное имя", "gak_…AAAA")
	tab.row("key_2", "倉庫システム", "gak_…BBBB")
	tab.row("key_3", "Cafe\u0301 Zoe\u0308", "gak_…CCCC")
	tab.row("key_4", "ERP", "gak_…DDDD")
	var b strings.Builder
	if err := tab.write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := -1
	for _, line := range lines {
		i := strings.Index(line, "gak_")
		if i < 0 {
			i = strings.Index(line, "KEY")
		}
		col := textWidth(line[:i])
		if want == -1 {
			want = col
		}
		if col != want {
			t.Errorf("the KEY column starts at %d, not %d, in %q", col, want, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing spaces in %q", line)
		}
	}
	if want != len("key_1")+2+len([]rune("Склад Москва — очень длинное имя"))+2 {
		t.Errorf("the KEY column starts at %d:\n%s", want, b.String())
	}
}

func TestTextWidth(t *testing.T) {
	for s, want := range map[string]int{
		"ERP Sync": 8, "Склад": 5, "倉庫": 4, "ｆｕｌｌ": 8, "Cafe\u0301": 4, "a\u200bb": 2, "": 0,
	} {
		if got := textWidth(s); got != want {
			t.Errorf("textWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// A cell cannot move the cursor or turn the line around.
func TestPrintable(t *testing.T) {
	if got := printable("evil\x1b[2J\u202ename\r\n"); got != "evil\uFFFD[2J\uFFFDname\uFFFD\uFFFD" {
		t.Errorf("printable: %q", got)
	}
}
