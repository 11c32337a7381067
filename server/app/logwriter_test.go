package app

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.writes
}

// Log lines arrive within the flush interval, many in one write; a full buffer is
// written at once; Close writes what is left and later lines go straight through.
func TestLogWriterDeliversEveryLineSoon(t *testing.T) {
	out := &lockedBuffer{}
	w := NewLogWriter(out)
	for i := range 100 {
		_, _ = w.Write([]byte("line " + strings.Repeat("x", i%7) + "\n"))
	}
	if s, _ := out.String(); s != "" {
		t.Fatalf("written at once: %q", s)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, writes := out.String()
		if strings.Count(s, "\n") == 100 {
			if writes != 1 {
				t.Fatalf("100 lines in %d writes, want 1", writes)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %d lines of 100", strings.Count(s, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	big := bytes.Repeat([]byte("y"), logBufferSize)
	_, _ = w.Write(big)
	if s, _ := out.String(); !strings.HasSuffix(s, string(big)) {
		t.Fatal("a full buffer waited for the timer")
	}
	_, _ = w.Write([]byte("last\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s, _ := out.String(); !strings.HasSuffix(s, "last\n") {
		t.Fatal("Close left a line behind")
	}
	_, _ = w.Write([]byte("after\n"))
	if s, _ := out.String(); !strings.HasSuffix(s, "after\n") {
		t.Fatal("a line after Close was held")
	}
}
