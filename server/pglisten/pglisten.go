// Package pglisten keeps a PostgreSQL LISTEN subscription for as long as a context
// lives: it reconnects after a lost connection and tells its owner when notifications
// flow and when some may have been missed, so that what the owner keeps from them (a
// cache, live subscriptions) can be bypassed or rebuilt meanwhile.
package pglisten

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Handler is what a subscription tells its owner. Up and Notify may be called from
// different goroutines; Notify and Missed are called one at a time.
type Handler struct {
	// Up is called with true when the subscription is in effect (once subscribed, and
	// after every reconnection), and with false and the error when the connection is
	// lost or cannot be made.
	Up func(up bool, err error)
	// Missed is called after a reconnection: notifications sent meanwhile are lost.
	Missed func()
	// Notify is called with each notification.
	Notify func(channel, payload string)
}

// Listen subscribes to channels on the PostgreSQL server at dsn and returns at once;
// the subscription lives until ctx ends, and done is closed once it is closed. An
// error subscribing to a channel is returned, and the subscription goes on with the
// others.
func Listen(ctx context.Context, dsn string, channels []string, h Handler) (done <-chan struct{}, err error) {
	var subscribed atomic.Bool // LISTEN has been asked for: (re)connections issue it
	events := func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventConnected, pq.ListenerEventReconnected:
			if subscribed.Load() {
				h.Up(true, nil)
			}
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			h.Up(false, err)
		}
	}
	l := pq.NewListener(dsn, 50*time.Millisecond, 2*time.Second, events)
	var errs []error
	for _, channel := range channels {
		if err := l.Listen(channel); err != nil {
			errs = append(errs, err)
		}
	}
	subscribed.Store(true)
	// Connected before LISTEN was asked for: it is in effect now if the connection is up.
	if l.Ping() == nil {
		h.Up(true, nil)
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		defer l.Close()
		ping := time.NewTicker(30 * time.Second)
		defer ping.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.Notify:
				if n == nil { // reconnected: what was sent meanwhile is lost
					h.Missed()
					continue
				}
				h.Notify(n.Channel, n.Extra)
			case <-ping.C:
				// A dead connection shows only when used.
				go func() { _ = l.Ping() }()
			}
		}
	}()
	return closed, errors.Join(errs...)
}
