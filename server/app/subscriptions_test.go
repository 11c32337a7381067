package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"apikeys/server/app"
	"apikeys/server/testdb"
)

// wsConn is a graphql-transport-ws client, as the graphql-ws npm package speaks it. A
// goroutine reads (and answers pings): a read that times out must not close it.
type wsConn struct {
	t        testing.TB
	s        *server
	conn     *websocket.Conn
	ids      int
	messages chan wsRead
}

type wsRead struct {
	m   wsMessage
	err error
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialer says how to open a WebSocket to /graphql: as c (its cookies), from origin.
type dialer struct {
	c      *client
	origin string
}

// dial opens the WebSocket (the HTTP answer when the upgrade is refused).
func (d dialer) dial() (*wsConn, *http.Response, error) {
	d.c.t.Helper()
	h := http.Header{}
	if d.origin != "" {
		h.Set("Origin", d.origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(d.c.s.srv.URL, "http")+"/graphql", &websocket.DialOptions{
		HTTPClient:   d.c.http,
		HTTPHeader:   h,
		Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		return nil, res, err
	}
	w := &wsConn{t: d.c.t, s: d.c.s, conn: conn, messages: make(chan wsRead, 64)}
	go w.pump()
	return w, res, nil
}

// connect opens the WebSocket and sends connection_init with payload; it returns the
// connection once acknowledged, or the close status that refused it.
func (c *client) connect(payload map[string]any) (*wsConn, websocket.StatusCode) {
	c.t.Helper()
	ws, res, err := dialer{c: c}.dial()
	if err != nil {
		c.t.Fatalf("dial: %v (%v)", err, res)
	}
	ws.send(wsMessage{Type: "connection_init", Payload: jsonOf(payload)})
	m, status := ws.read(5 * time.Second)
	if status != -1 {
		return nil, status
	}
	if m.Type != "connection_ack" {
		c.t.Fatalf("got %s, want connection_ack", m.Type)
	}
	return ws, -1
}

func jsonOf(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

func (w *wsConn) send(m wsMessage) {
	w.t.Helper()
	if err := wsjson.Write(context.Background(), w.conn, m); err != nil {
		w.t.Fatalf("send: %v", err)
	}
}

// pump reads every message, answers pings, and hands the rest over.
func (w *wsConn) pump() {
	for {
		var m wsMessage
		err := wsjson.Read(context.Background(), w.conn, &m)
		if err == nil && m.Type == "ping" {
			_ = wsjson.Write(context.Background(), w.conn, wsMessage{Type: "pong"})
			continue
		}
		w.messages <- wsRead{m, err}
		if err != nil {
			close(w.messages)
			return
		}
	}
}

// read returns the next message other than pings; status is the close status (-1: a
// message, -2: nothing within the time).
func (w *wsConn) read(within time.Duration) (m wsMessage, status websocket.StatusCode) {
	w.t.Helper()
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return wsMessage{}, -2
		case r, ok := <-w.messages:
			if !ok {
				w.t.Fatal("read after the connection ended")
			}
			if r.err != nil {
				if s := websocket.CloseStatus(r.err); s != -1 {
					return wsMessage{}, s
				}
				w.t.Fatalf("read: %v", r.err)
			}
			if r.m.Type == "pong" || r.m.Type == "ka" {
				continue
			}
			return r.m, -1
		}
	}
}

// subscribe starts query and waits until the server has begun it (the protocol says
// nothing of it: a change made before would not be told); it returns the operation's id.
func (w *wsConn) subscribe(query string) string {
	w.t.Helper()
	w.ids++
	id := fmt.Sprint(w.ids)
	before := w.s.app.Events.Started()
	w.send(wsMessage{ID: id, Type: "subscribe", Payload: jsonOf(map[string]any{"query": query})})
	for deadline := time.Now().Add(5 * time.Second); w.s.app.Events.Started() == before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			w.t.Fatal("the subscription did not begin")
		}
	}
	return id
}

type keyEvent struct {
	Kind   string
	APIKey struct {
		ID, Name, Status, MaskedKey, CreatedByName string
		RevokedByName                              *string
		ServiceAccount                             struct{ Name string }
	}
	Counts counts
}

const keyEventsSubscription = `subscription { apiKeyEvents { kind apiKey { id name status maskedKey createdByName revokedByName serviceAccount { name } } counts { active revoked } } }`

// event reads the next event of the subscription, failing on anything else.
func (w *wsConn) event(within time.Duration) keyEvent {
	w.t.Helper()
	m, status := w.read(within)
	if status != -1 {
		w.t.Fatalf("waiting for an event: closed or timed out (%d)", status)
	}
	if m.Type != "next" {
		w.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	var p struct {
		Data   struct{ APIKeyEvents keyEvent }
		Errors []gqlError
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		w.t.Fatalf("event %s: %v", m.Payload, err)
	}
	return p.Data.APIKeyEvents
}

// quiet expects no message for a while.
func (w *wsConn) quiet(d time.Duration) {
	w.t.Helper()
	if m, status := w.read(d); status != -2 {
		w.t.Fatalf("expected nothing, got %s %s (close %d)", m.Type, m.Payload, status)
	}
}

// stillOpen expects the connection to stay open for d (events may come).
func (w *wsConn) stillOpen(d time.Duration) {
	w.t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		m, status := w.read(time.Until(end))
		if status >= 0 || (status == -1 && m.Type != "next") {
			w.t.Fatalf("got %s %s (close %d), want the connection open", m.Type, m.Payload, status)
		}
	}
}

// closedWith expects the server to close the connection with code within d.
func (w *wsConn) closedWith(code websocket.StatusCode, d time.Duration) time.Duration {
	w.t.Helper()
	start := time.Now()
	for {
		m, status := w.read(d)
		switch status {
		case -1:
			if m.Type == "next" || m.Type == "complete" {
				continue // events of what closed it may come first
			}
			w.t.Fatalf("got %s %s, want the close", m.Type, m.Payload)
		case -2:
			w.t.Fatalf("still open after %v, want close %d", d, code)
		case code:
			return time.Since(start)
		default:
			w.t.Fatalf("closed with %d, want %d", status, code)
		}
	}
}

func expectEvent(t *testing.T, e keyEvent, kind, name string, n counts) {
	t.Helper()
	if e.Kind != kind || e.APIKey.Name != name || e.Counts != n {
		t.Fatalf("got %s of %q with counts %+v, want %s of %q with %+v", e.Kind, e.APIKey.Name, e.Counts, kind, name, n)
	}
}

func TestSubscriptionsTellEveryChangeToTheCompanyOnly(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme Subscriptions")
		other := s.newTenant("Globex Subscriptions")

		// A person by the session cookie, an integration by its key in connection_init.
		admin, _ := acme.admin.connect(nil)
		admin.subscribe(keyEventsSubscription)
		reader := acme.admin.createKey("Dashboard reader", "VIEWER")
		expectEvent(t, admin.event(2*time.Second), "CREATED", "Dashboard reader", counts{1, 0})
		integration, _ := s.integration("").connect(map[string]any{"Authorization": "Bearer " + reader.Secret})
		integration.subscribe(keyEventsSubscription)
		stranger, _ := other.admin.connect(nil)
		stranger.subscribe(keyEventsSubscription)

		k := acme.admin.createKey("Nightly Export — Ørsted Vindkraft", "ADMIN")
		for _, w := range []*wsConn{admin, integration} {
			e := w.event(2 * time.Second)
			expectEvent(t, e, "CREATED", "Nightly Export — Ørsted Vindkraft", counts{2, 0})
			if e.APIKey.ID != k.ID || e.APIKey.Status != "ACTIVE" || e.APIKey.CreatedByName != "Acme Subscriptions Admin" || !strings.HasPrefix(e.APIKey.MaskedKey, "gak_…") {
				t.Fatalf("event's key: %+v", e.APIKey)
			}
		}
		acme.admin.must(nil, `mutation($id: ID!) { updateAPIKey(input: {id: $id, name: "Nightly Export"}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		expectEvent(t, admin.event(2*time.Second), "UPDATED", "Nightly Export", counts{2, 0})
		acme.admin.must(nil, `mutation($id: ID!) { rotateAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		e := admin.event(2 * time.Second)
		expectEvent(t, e, "ROTATED", "Nightly Export", counts{2, 1})
		if e.APIKey.Status != "REVOKED" {
			t.Fatalf("the rotated key is %s", e.APIKey.Status)
		}
		// A change made with a key is told too, by its service account's name.
		adminKey := acme.admin.createKey("Provisioner", "ADMIN")
		expectEvent(t, admin.event(2*time.Second), "CREATED", "Provisioner", counts{3, 1})
		victim := acme.admin.createKey("To be revoked", "VIEWER")
		expectEvent(t, admin.event(2*time.Second), "CREATED", "To be revoked", counts{4, 1})
		s.integration(adminKey.Secret).must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": victim.ID})
		e = admin.event(2 * time.Second)
		expectEvent(t, e, "REVOKED", "To be revoked", counts{3, 2})
		if e.APIKey.RevokedByName == nil || *e.APIKey.RevokedByName != "Provisioner" {
			t.Fatalf("revoked by %v", e.APIKey.RevokedByName)
		}
		// The integration saw the same five changes in the same order.
		for _, want := range []string{"UPDATED", "ROTATED", "CREATED", "CREATED", "REVOKED"} {
			if got := integration.event(2 * time.Second).Kind; got != want {
				t.Fatalf("the integration got %s, want %s", got, want)
			}
		}
		// A failed change tells nothing.
		expectCode(t, acme.admin.gql(`mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": victim.ID}), http.StatusOK, "BAD_USER_INPUT")
		admin.quiet(300 * time.Millisecond)
		// The other company heard none of it: its first event is its own.
		other.admin.createKey("Globex own key", "VIEWER")
		expectEvent(t, stranger.event(2*time.Second), "CREATED", "Globex own key", counts{1, 0})
		stranger.quiet(300 * time.Millisecond)
	})
}

func TestSubscriptionsAreClosedWhenTheirCredentialsEnd(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme Closing")

		// A key revoked: its subscription is closed with 4403 within a second.
		k := acme.admin.createKey("Revoked while listening", "VIEWER")
		w, _ := s.integration("").connect(map[string]any{"Authorization": "Bearer " + k.Secret})
		w.subscribe(keyEventsSubscription)
		acme.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		if took := w.closedWith(4403, 2*time.Second); took > time.Second {
			t.Fatalf("closed %v after the revocation, want within 1s", took)
		}

		// A key that expires: closed within a second of its expiry.
		expires := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
		r, short := acme.admin.createExpiring("Expiring while listening", &expires)
		r.decode(t, nil)
		w, _ = s.integration("").connect(map[string]any{"Authorization": "Bearer " + short.Secret})
		w.subscribe(keyEventsSubscription)
		w.closedWith(4403, time.Until(expires)+2*time.Second)
		if late := time.Since(expires); late > time.Second {
			t.Fatalf("closed %v after the expiry, want within 1s", late)
		}

		// A session ended by signing out (its cookie is the browser's: the connection
		// was opened with it).
		person := s.browser()
		if r := person.login(acme.email, adminPassword); r.Status != http.StatusOK {
			t.Fatal(r.Body)
		}
		w, _ = person.connect(nil)
		w.subscribe(keyEventsSubscription)
		// A copy of the cookie signs out, as another tab would.
		other := s.browser()
		other.http.Jar.SetCookies(mustURL(s.srv.URL), person.http.Jar.Cookies(mustURL(s.srv.URL)))
		if r := other.post("/auth/logout", nil); r.Status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		if took := w.closedWith(4403, 2*time.Second); took > time.Second {
			t.Fatalf("closed %v after the sign-out, want within 1s", took)
		}
		// Another subscription of a live session stays open meanwhile.
		live, _ := acme.admin.connect(nil)
		live.subscribe(keyEventsSubscription)
		live.stillOpen(time.Second)
	})
}

func TestSubscriptionsRefuseWhoIsNotSignedIn(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, CORSOrigins: []string{"https://admin.example.com"}})
		acme := s.newTenant("Acme Refusals")

		for name, payload := range map[string]map[string]any{
			"no credentials":  nil,
			"a made-up key":   {"Authorization": "Bearer gak_000000000000000000000000000000000000"},
			"not Bearer":      {"Authorization": "Basic dXNlcjpwYXNz"},
			"a bare key":      {"Authorization": "gak_000000000000000000000000000000000000"},
			"a wrong payload": {"token": "x"},
		} {
			w, res, err := dialer{c: s.integration("")}.dial()
			if err != nil {
				t.Fatalf("%s: %v (%v)", name, err, res)
			}
			w.send(wsMessage{Type: "connection_init", Payload: jsonOf(payload)})
			r := <-w.messages
			var ce websocket.CloseError
			if !errors.As(r.err, &ce) || ce.Code != 4403 || !strings.HasPrefix(ce.Reason, "Forbidden: ") {
				t.Errorf("%s: closed with %v, want 4403 and a reason", name, r.err)
			}
		}
		// A revoked key is refused at connection_init.
		k := acme.admin.createKey("Revoked before", "VIEWER")
		acme.admin.must(nil, `mutation($id: ID!) { revokeAPIKey(input: {id: $id}) { apiKey { id } } }`, map[string]any{"id": k.ID})
		if _, status := s.integration("").connect(map[string]any{"Authorization": "Bearer " + k.Secret}); status != 4403 {
			t.Errorf("a revoked key: closed with %d, want 4403", status)
		}

		// A page of another origin cannot ride on the cookie; this site and the allowed
		// origin can; a client that sends no Origin (not a browser) authenticates itself.
		if _, res, err := (dialer{c: acme.admin, origin: "https://evil.example"}).dial(); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Fatalf("another origin: %v, %v", err, res)
		}
		for _, origin := range []string{s.srv.URL, "https://admin.example.com", ""} {
			w, res, err := dialer{c: acme.admin, origin: origin}.dial()
			if err != nil {
				t.Fatalf("origin %q: %v (%v)", origin, err, res)
			}
			w.send(wsMessage{Type: "connection_init"})
			if m, status := w.read(2 * time.Second); m.Type != "connection_ack" {
				t.Fatalf("origin %q: %s (close %d)", origin, m.Type, status)
			}
		}
	})
}

func TestSubscriptionsHearEveryInstance(t *testing.T) {
	url := testdb.Postgres(t)
	a := newServer(t, app.Config{DatabaseURL: url})
	b := newServer(t, app.Config{DatabaseURL: url, SweepEvery: 100 * time.Millisecond})
	acme := a.newTenant("Acme Instances")
	deadline := time.Now().Add(10 * time.Second)
	for !a.app.Events.Listening() || !b.app.Events.Listening() {
		if time.Now().After(deadline) {
			t.Fatal("the key event listeners did not connect")
		}
		time.Sleep(10 * time.Millisecond)
	}
	onB, _ := b.newTenantClient(acme.admin).connect(nil)
	onB.subscribe(keyEventsSubscription)
	onA, _ := acme.admin.connect(nil)
	onA.subscribe(keyEventsSubscription)

	k := acme.admin.createKey("Made on A", "VIEWER")
	for _, w := range []*wsConn{onA, onB} {
		expectEvent(t, w.event(2*time.Second), "CREATED", "Made on A", counts{1, 0})
	}
	// A key with a short life, ended by a sweeper: an EXPIRED event on both.
	expires := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	r, short := acme.admin.createExpiring("Short-lived", &expires)
	r.decode(t, nil)
	for _, w := range []*wsConn{onA, onB} {
		expectEvent(t, w.event(2*time.Second), "CREATED", short.Name, counts{2, 0})
	}
	for _, w := range []*wsConn{onA, onB} {
		expectEvent(t, w.event(time.Until(expires)+5*time.Second), "EXPIRED", short.Name, counts{1, 1})
	}
	// A leak report: REVOKED, the key's reason LEAKED.
	if r := a.browser().post("/credentials/revoke", map[string]any{"credentials": []string{k.Secret}}); r.Status != http.StatusAccepted {
		t.Fatalf("leak report: %d %s", r.Status, r.Body)
	}
	for _, w := range []*wsConn{onA, onB} {
		expectEvent(t, w.event(2*time.Second), "REVOKED", "Made on A", counts{0, 2})
	}
}

// The server's read and write timeouts bound requests, not subscriptions: a connection
// outlives them and still hears events (net/http clears them when the connection is
// taken over).
func TestSubscriptionsOutliveTheRequestTimeouts(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		acme := s.newTenant("Acme Long Lived")
		timed := httptest.NewUnstartedServer(s.app.Handler())
		timed.Config.ReadTimeout, timed.Config.WriteTimeout = 500*time.Millisecond, 500*time.Millisecond
		timed.Start()
		defer timed.Close()
		onTimed := &server{t: t, app: s.app, srv: timed, log: s.log}
		w, _ := onTimed.newTenantClient(acme.admin).connect(nil)
		w.subscribe(keyEventsSubscription)
		w.stillOpen(1500 * time.Millisecond)
		acme.admin.createKey("After the timeouts", "VIEWER")
		expectEvent(t, w.event(2*time.Second), "CREATED", "After the timeouts", counts{1, 0})
	})
}

// A subscription sent over HTTP is refused at once (it would wait for an event): a
// request error, 400 with application/graphql-response+json, 200 with application/json.
func TestSubscriptionsOverHTTPAreRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme Over HTTP").admin
		body := `{"query":"subscription { apiKeyEvents { kind } }"}`
		for _, c := range []struct {
			method, accept string
			status         int
		}{
			{http.MethodPost, graphQLResponse, http.StatusBadRequest},
			{http.MethodPost, plainJSON, http.StatusOK},
		} {
			start := time.Now()
			a := admin.send(c.method, c.accept, plainJSON, body, nil)
			if a.status != c.status || a.code() != "BAD_REQUEST" || a.body["data"] != nil || time.Since(start) > 2*time.Second {
				t.Errorf("%s %s: HTTP %d in %v: %s", c.method, c.accept, a.status, time.Since(start), a.raw)
			}
		}
		a := admin.send(http.MethodGet, graphQLResponse, "", "", url.Values{"query": {"subscription { apiKeyEvents { kind } }"}})
		if a.status < 400 || a.body["data"] != nil {
			t.Errorf("GET: HTTP %d %s", a.status, a.raw)
		}
	})
}
