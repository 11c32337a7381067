package pglisten_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"apikeys/server/pglisten"
	"apikeys/server/testdb"
)

// A subscription hears notices, tells when its connection is lost and back (and that
// notices may have been missed meanwhile), hears notices again, and ends with its
// context.
func TestListenReconnectsAndSaysSo(t *testing.T) {
	base := testdb.PostgresURL()
	testdb.Postgres(t) // skips, or fails with CI=true, without PostgreSQL
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("pglisten_test_%d", time.Now().UnixNano())
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	type event struct {
		kind, text string
	}
	events := make(chan event, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, err := pglisten.Listen(ctx, base+sep+"application_name="+name, []string{name}, pglisten.Handler{
		Up: func(up bool, err error) {
			if up {
				events <- event{"up", ""}
			} else {
				events <- event{"down", fmt.Sprint(err)}
			}
		},
		Missed: func() { events <- event{"missed", ""} },
		Notify: func(channel, payload string) { events <- event{"notify", channel + " " + payload} },
	})
	if err != nil {
		t.Fatal(err)
	}
	expect := func(kind, text string) {
		t.Helper()
		for {
			select {
			case ev := <-events:
				if ev.kind == kind && (text == "" || ev.text == text) {
					return
				}
				t.Logf("(%s %s)", ev.kind, ev.text)
			case <-time.After(10 * time.Second):
				t.Fatalf("no %s %s", kind, text)
			}
		}
	}
	notify := func(payload string) {
		t.Helper()
		if _, err := admin.Exec("SELECT pg_notify($1, $2)", name, payload); err != nil {
			t.Fatal(err)
		}
	}
	expect("up", "")
	notify("first")
	expect("notify", name+" first")

	var cut int
	if err := admin.QueryRow("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&cut); err != nil || cut != 1 {
		t.Fatalf("terminated %d backends: %v", cut, err)
	}
	expect("down", "")
	// Back: up again (the connection's event) and missed (the listener's), in either order.
	for seen := map[string]bool{}; !seen["up"] || !seen["missed"]; {
		select {
		case ev := <-events:
			seen[ev.kind] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("not back after the cut: %v", seen)
		}
	}
	notify("second")
	expect("notify", name+" second")

	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription outlived its context")
	}
}
