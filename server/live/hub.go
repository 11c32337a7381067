// Package live carries changes to keys to the GraphQL subscribers of every instance:
// the key lifecycle announces each change in its transaction (keys.Events), PostgreSQL
// delivers it to every instance when it commits (NOTIFY; on SQLite, one process, it is
// handed over in process), and each instance turns it once into what its subscribers of
// that organization receive.
package live

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/keys"
	"apikeys/ent/schema/pulid"
	"apikeys/server/pglisten"
)

// channel is the PostgreSQL channel of key events.
const channel = "apikeys_key_events"

// Buffers: what a subscriber may fall behind by before it is ended (it starts over:
// subscribes again and reads the page anew), and the events waiting to be loaded.
const (
	subscriberBuffer = 32
	pendingEvents    = 4096
)

// Hub delivers key events to this instance's subscribers as T, which Load makes of an
// event once for all of them. The zero Hub is not usable: see New.
type Hub[T any] struct {
	Log *slog.Logger
	// Load makes what subscribers receive of an event (the key and the counters after
	// the change), once per event, and only when its organization has subscribers here.
	Load func(ctx context.Context, ev keys.Event) (T, error)
	// Delivered, when set, is told how long after its announcement each event reached
	// the subscribers (the metrics).
	Delivered func(time.Duration)

	notify    bool // PostgreSQL: events travel by NOTIFY
	listening atomic.Bool
	started   atomic.Int64
	pending   chan announced
	mu        sync.Mutex
	subs      map[pulid.ID]map[*subscriber[T]]struct{}
	stop      context.CancelFunc
	done      sync.WaitGroup
}

type announced struct {
	keys.Event
	sent time.Time
}

type subscriber[T any] struct {
	ch     chan T
	closed bool
}

// New returns a hub; Start begins its delivery.
func New[T any](log *slog.Logger, load func(context.Context, keys.Event) (T, error)) *Hub[T] {
	return &Hub[T]{Log: log, Load: load, pending: make(chan announced, pendingEvents), subs: map[pulid.ID]map[*subscriber[T]]struct{}{}}
}

// Start delivers events until Stop. With listenDSN (PostgreSQL) it listens for the
// events of every instance, this one's included; without, events stay in process.
func (h *Hub[T]) Start(listenDSN string) {
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	if listenDSN != "" {
		h.notify = true
		h.listen(ctx, listenDSN)
	}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		h.deliver(ctx)
	}()
}

// Listening reports whether events of other instances arrive: always on SQLite (there
// are none), on PostgreSQL while the listener is connected.
func (h *Hub[T]) Listening() bool { return !h.notify || h.listening.Load() }

// Stop ends delivery and every subscription.
func (h *Hub[T]) Stop() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.done.Wait()
	h.endAll()
}

// Announce implements keys.Events: on PostgreSQL one NOTIFY per event, in c's
// transaction (delivered to every instance when it commits); otherwise the events are
// handed over when the transaction of ctx commits (at once without one).
func (h *Hub[T]) Announce(ctx context.Context, c *ent.Client, events ...keys.Event) error {
	if len(events) == 0 {
		return nil
	}
	if h.notify {
		sent := strconv.FormatInt(time.Now().UnixNano(), 10)
		payloads := make([]string, len(events))
		for i, ev := range events {
			payloads[i] = strings.Join([]string{string(ev.Org), string(ev.Key), string(ev.Action), sent}, " ")
		}
		_, err := c.ExecContext(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", channel, pq.Array(payloads))
		return err
	}
	audit.AfterCommit(ctx, func() {
		now := time.Now()
		for _, ev := range events {
			h.enqueue(announced{ev, now})
		}
	})
	return nil
}

// enqueue passes an event to the delivery; it waits when thousands are pending (a
// sweep that ended many keys) rather than lose one.
func (h *Hub[T]) enqueue(ev announced) {
	h.pending <- ev
}

// Subscribe returns the events of org, until ctx ends or the subscriber falls too far
// behind; then the channel is closed.
func (h *Hub[T]) Subscribe(ctx context.Context, org pulid.ID) <-chan T {
	s := &subscriber[T]{ch: make(chan T, subscriberBuffer)}
	h.mu.Lock()
	m := h.subs[org]
	if m == nil {
		m = map[*subscriber[T]]struct{}{}
		h.subs[org] = m
	}
	m[s] = struct{}{}
	h.mu.Unlock()
	h.started.Add(1)
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.end(org, s)
	})
	return s.ch
}

// Started returns how many subscriptions this instance has begun since it started.
func (h *Hub[T]) Started() int64 { return h.started.Load() }

// Subscribers returns how many subscriptions this instance serves.
func (h *Hub[T]) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.subs {
		n += len(m)
	}
	return n
}

// end closes s's channel and forgets it; h.mu is held.
func (h *Hub[T]) end(org pulid.ID, s *subscriber[T]) {
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
	delete(h.subs[org], s)
	if len(h.subs[org]) == 0 {
		delete(h.subs, org)
	}
}

// endAll ends every subscription: they start over (what was announced meanwhile may be
// lost, e.g. while the listener reconnected).
func (h *Hub[T]) endAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for org, m := range h.subs {
		for s := range m {
			h.end(org, s)
		}
	}
}

// subscribed reports whether org has subscribers here.
func (h *Hub[T]) subscribed(org pulid.ID) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[org]) > 0
}

// deliver loads each pending event whose organization has subscribers and hands it to
// each of them; one that is too far behind is ended.
func (h *Hub[T]) deliver(ctx context.Context) {
	for {
		var ev announced
		select {
		case <-ctx.Done():
			return
		case ev = <-h.pending:
		}
		if !h.subscribed(ev.Org) {
			continue
		}
		v, err := h.Load(ctx, ev.Event)
		if err != nil {
			if ctx.Err() == nil && !ent.IsNotFound(err) {
				h.Log.Warn("live: loading a key event", "action", ev.Action, "key", ev.Key, "err", err)
			}
			continue
		}
		h.mu.Lock()
		for s := range h.subs[ev.Org] {
			select {
			case s.ch <- v:
			default:
				h.end(ev.Org, s)
			}
		}
		h.mu.Unlock()
		if h.Delivered != nil {
			h.Delivered(time.Since(ev.sent))
		}
	}
}

// listen subscribes to the events of every instance (PostgreSQL). After a lost
// connection, what was announced meanwhile is lost: every subscription is ended, and
// its client subscribes again and reads anew.
func (h *Hub[T]) listen(ctx context.Context, dsn string) {
	done, err := pglisten.Listen(ctx, dsn, []string{channel}, pglisten.Handler{
		Up: func(up bool, err error) {
			h.listening.Store(up)
			if !up {
				h.Log.Warn("live: key event listener disconnected", "err", err)
			}
		},
		Missed: h.endAll,
		Notify: func(_, payload string) {
			if ev, ok := parse(payload); ok {
				select {
				case h.pending <- ev:
				case <-ctx.Done():
				}
			}
		},
	})
	if err != nil {
		h.Log.Error("live: listening for key events", "err", err)
	}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		<-done
	}()
}

// parse reads a NOTIFY payload: "org key action sent-unix-nanos".
func parse(payload string) (announced, bool) {
	f := strings.Fields(payload)
	if len(f) != 4 {
		return announced{}, false
	}
	ns, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return announced{}, false
	}
	return announced{keys.Event{Org: pulid.ID(f[0]), Key: pulid.ID(f[1]), Action: auditentry.Action(f[2])}, time.Unix(0, ns)}, true
}
