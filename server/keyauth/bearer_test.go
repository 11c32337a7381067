package keyauth

import (
	"strings"
	"testing"
)

func TestParseBearer(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
		ok   bool
	}{
		{[]string{"Bearer gak_x"}, "gak_x", true},
		{nil, "", false},
		{[]string{""}, "", false},
		{[]string{"Bearer "}, "", false},
		// The scheme in any case, one or more spaces (RFC 7235 §2.1, RFC 6750 §2.1).
		{[]string{"bearer gak_x"}, "gak_x", true},
		{[]string{"BEARER gak_x"}, "gak_x", true},
		{[]string{"bEaReR gak_x"}, "gak_x", true},
		{[]string{"Bearer  gak_x"}, "gak_x", true},
		{[]string{"Bearer    gak_x"}, "gak_x", true},
		{[]string{"Bearer\tgak_x"}, "", false},
		{[]string{"Bearer gak_x gak_y"}, "", false},
		{[]string{"Bearer gak_x\t"}, "", false},
		{[]string{"Bearer    "}, "", false},
		{[]string{"Bearers gak_x"}, "", false},
		{[]string{"Basic gak_x"}, "", false},
		{[]string{"Bearer gak_x", "Bearer gak_y"}, "", false},
		{[]string{"Bearergak_x"}, "", false},
	} {
		got, ok := ParseBearer(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseBearer(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseBearer(f *testing.F) {
	for _, s := range []string{"Bearer gak_x", "", "Bearer ", "bearer x", "Bearer  x", "Bearer \x00", strings.Repeat("B", 1<<12)} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, value string, twice bool) {
		in := []string{value}
		if twice {
			in = append(in, value)
		}
		got, ok := ParseBearer(in)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", in, got)
			}
			return
		}
		scheme, rest, _ := strings.Cut(value, " ")
		if twice || !strings.EqualFold(scheme, "Bearer") || got == "" || strings.ContainsAny(got, " \t") ||
			strings.TrimLeft(rest, " ") != got {
			t.Fatalf("ParseBearer(%q) = %q, true", in, got)
		}
	})
}
