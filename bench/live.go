package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// live measures subscriptions (issue 13) on PostgreSQL: two instances on one database;
// liveIdle idle subscribers (API keys of other organizations, which hear nothing) on B;
// liveWatchers admins of one organization subscribed on B; keys created through A, one
// at a time. It reports how long after the mutation's answer (its commit came just
// before) each watcher on B had the event, and B's memory per idle subscriber.
func (e *benchEnv) live(ctx context.Context, dbURL string, s *seeded) error {
	a, err := e.startServer(ctx, "live-A", false, e.serverEnv(dbURL, s))
	if err != nil {
		return err
	}
	defer a.stop()
	b, err := e.startProbed(ctx, "live-B", false, e.serverEnv(dbURL, s))
	if err != nil {
		return err
	}
	defer b.stop()
	token, err := signIn(a.addr, s.adminEmails[1])
	if err != nil {
		return err
	}
	org, err := orgOf(a.addr, "Cookie", "apikeys_session="+token)
	if err != nil {
		return err
	}

	// Idle subscribers: keys of the other organizations.
	var idleKeys []string
	for _, k := range s.loadSecrets(len(s.secrets)) {
		if len(idleKeys) == e.cfg.liveIdle {
			break
		}
		if o, err := orgOf(b.addr, "Authorization", "Bearer "+k); err == nil && o != org {
			idleKeys = append(idleKeys, k)
		}
	}
	gc := func() (int64, error) {
		if err := syscall.Kill(b.pid, syscall.SIGUSR1); err != nil {
			return 0, err
		}
		time.Sleep(time.Second)
		return rssBytes(b.pid)
	}
	before, err := gc()
	if err != nil {
		return err
	}
	var heard atomic.Int64
	var idle []*liveConn
	defer func() {
		for _, c := range idle {
			c.close()
		}
	}()
	for _, k := range idleKeys {
		c, err := dialLive(ctx, b.addr, nil, map[string]any{"Authorization": "Bearer " + k})
		if err != nil {
			return fmt.Errorf("idle subscriber: %w", err)
		}
		idle = append(idle, c)
		if err := c.subscribe(); err != nil {
			return err
		}
		go c.drain(&heard)
	}
	time.Sleep(500 * time.Millisecond)
	after, err := gc()
	if err != nil {
		return err
	}
	perIdle := float64(after-before) / float64(len(idle))
	logf("live: %d idle subscribers on B: RSS %s → %s after a full collection, %.1f KiB each", len(idle), mib(before), mib(after), perIdle/1024)

	// Watchers of the organization the changes are made in, also on B.
	header := http.Header{"Cookie": {"apikeys_session=" + token}}
	events := make(chan time.Time, 1024)
	var watchers []*liveConn
	defer func() {
		for _, c := range watchers {
			c.close()
		}
	}()
	for range e.cfg.liveWatchers {
		c, err := dialLive(ctx, b.addr, header, nil)
		if err != nil {
			return fmt.Errorf("watcher: %w", err)
		}
		watchers = append(watchers, c)
		if err := c.subscribe(); err != nil {
			return err
		}
		go c.forward(events)
	}
	time.Sleep(200 * time.Millisecond)

	create := gqlBody(`mutation($name: String!) { createAPIKey(input: {name: $name}) { apiKey { id } } }`, nil)
	var fromSend, fromAnswer, mutation []time.Duration
	lost := 0
	for i := range e.cfg.liveChanges {
		body := bytes.Replace([]byte(create), []byte(`"variables":null`), fmt.Appendf(nil, `"variables":{"name":"Live %d — Ørsted"}`, i), 1)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+a.addr+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", "apikeys_session="+token)
		sent := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = res.Body.Close()
		answered := time.Now()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("createAPIKey on A: HTTP %d", res.StatusCode)
		}
		mutation = append(mutation, answered.Sub(sent))
		deadline := time.After(2 * time.Second)
		for range watchers {
			select {
			case at := <-events:
				fromSend = append(fromSend, at.Sub(sent))
				fromAnswer = append(fromAnswer, max(0, at.Sub(answered)))
			case <-deadline:
				lost++
			}
		}
	}
	// The change commits before A answers, a moment before: from the answer is the
	// closest a client can see of "from the commit" (an event before it counts as 0).
	p50, p99 := percentile(fromAnswer, 0.5), percentile(fromAnswer, 0.99)
	logf("live: %d changes on A × %d watchers on B (%d idle subscribers on B): from the mutation's answer p50 %s, p99 %s, max %s; from sending it p50 %s, p99 %s; the mutation itself p50 %s, p99 %s; %d lost; idle subscribers heard %d",
		e.cfg.liveChanges, len(watchers), len(idle), fmtDur(p50), fmtDur(p99), fmtDur(percentile(fromAnswer, 1)),
		fmtDur(percentile(fromSend, 0.5)), fmtDur(percentile(fromSend, 0.99)), fmtDur(percentile(mutation, 0.5)), fmtDur(percentile(mutation, 0.99)), lost, heard.Load())
	e.rep.figure("PostgreSQL", fmt.Sprintf("key event from a change committed on A (its mutation's answer) to a subscriber on B, with %d idle subscribers on B (%d changes × %d subscribers)",
		len(idle), e.cfg.liveChanges, len(watchers)),
		fmt.Sprintf("p50 %s, p99 %s (from sending the mutation, its own p50 %s included: p50 %s, p99 %s); %d lost, %d heard by idle subscribers", fmtDur(p50), fmtDur(p99),
			fmtDur(percentile(mutation, 0.5)), fmtDur(percentile(fromSend, 0.5)), fmtDur(percentile(fromSend, 0.99)), lost, heard.Load()),
		"p99 ≤ 50 ms", p99 <= 50*time.Millisecond && lost == 0 && heard.Load() == 0)
	e.rep.figure("PostgreSQL", fmt.Sprintf("memory per idle subscriber on B (%d, RSS after a full collection)", len(idle)),
		fmt.Sprintf("%.1f KiB (%s → %s)", perIdle/1024, mib(before), mib(after)), "≤ 64 KB", perIdle <= 64_000)
	return nil
}

// orgOf returns the organization of a credential (a header) on the server at addr.
func orgOf(addr, header, value string) (string, error) {
	status, body, err := oneRequest(addr, rawRequestHeaders(addr, "/graphql", gqlBody(`{ viewer { organization { id } } }`, nil), header, value))
	if err != nil || status != http.StatusOK {
		return "", fmt.Errorf("viewer: HTTP %d %v %s", status, err, truncate(body, 200))
	}
	var out struct {
		Data struct {
			Viewer struct{ Organization struct{ ID string } }
		}
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", err
	}
	return out.Data.Viewer.Organization.ID, nil
}

// liveConn is a graphql-transport-ws client subscribed to apiKeyEvents.
type liveConn struct {
	c    *websocket.Conn
	once sync.Once
}

type liveMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialLive(ctx context.Context, addr string, header http.Header, init map[string]any) (*liveConn, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(dctx, "ws://"+addr+"/graphql", &websocket.DialOptions{HTTPHeader: header, Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(dctx, c, liveMessage{Type: "connection_init", Payload: payload}); err != nil {
		return nil, err
	}
	var ack liveMessage
	if err := wsjson.Read(dctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		return nil, fmt.Errorf("connection_init: %v %s", err, ack.Type)
	}
	return &liveConn{c: c}, nil
}

func (l *liveConn) subscribe() error {
	q, _ := json.Marshal(map[string]string{"query": `subscription { apiKeyEvents { kind apiKey { id name status maskedKey createdByName } counts { active revoked } } }`})
	return wsjson.Write(context.Background(), l.c, liveMessage{ID: "1", Type: "subscribe", Payload: q})
}

// read returns the next message, answering pings.
func (l *liveConn) read() (liveMessage, error) {
	for {
		var m liveMessage
		if err := wsjson.Read(context.Background(), l.c, &m); err != nil {
			return m, err
		}
		if m.Type == "ping" {
			_ = wsjson.Write(context.Background(), l.c, liveMessage{Type: "pong"})
			continue
		}
		return m, nil
	}
}

// drain counts the events an idle subscriber hears (it should hear none).
func (l *liveConn) drain(heard *atomic.Int64) {
	for {
		m, err := l.read()
		if err != nil {
			return
		}
		if m.Type == "next" {
			heard.Add(1)
		}
	}
}

// forward sends the arrival time of each event.
func (l *liveConn) forward(events chan<- time.Time) {
	for {
		m, err := l.read()
		if err != nil {
			return
		}
		if m.Type == "next" {
			events <- time.Now()
		}
	}
}

func (l *liveConn) close() {
	l.once.Do(func() { _ = l.c.Close(websocket.StatusNormalClosure, "") })
}
