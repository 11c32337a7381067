package app

// GraphQL subscriptions: WebSocket upgrades of /graphql (graphql-transport-ws, gqlgen's
// transport), authenticated in connection_init, and closed with 4403 once their key or
// session no longer verifies. The events come from server/live.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
	"apikeys/server/clientaddr"
	"apikeys/server/keyauth"
	"apikeys/server/reply"
	"apikeys/server/signin"
)

const (
	// closeForbidden ends a connection whose credentials were refused or ended
	// (graphql-transport-ws's code for a refused connection_init).
	closeForbidden = 4403
	// closeGoingAway ends the connections of a server that shuts down (RFC 6455).
	closeGoingAway = 1001
	// recheckSubscribersEvery is how often the credentials of open connections are
	// checked anew: a revoked or expired key, or an ended session, is closed within
	// about this (the issue asks for a second).
	recheckSubscribersEvery = 400 * time.Millisecond
	// subscriptionInitTimeout bounds the wait for connection_init.
	subscriptionInitTimeout = 10 * time.Second
	// subscriptionPing is how often an idle connection is pinged (a client that does
	// not answer within twice this is dropped).
	subscriptionPing = 25 * time.Second
)

// subscriber is one WebSocket connection: what its upgrade brought, then who it is.
type subscriber struct {
	cookie    string // the upgrade's session cookie, if any
	addr      string
	userAgent string

	mu      sync.Mutex
	ws      transport.WebsocketConn
	keyID   pulid.ID // the key it authenticated with, or
	session string   // the session cookie it authenticated with
}

type subscriberKey struct{}

func subscriberOf(ctx context.Context) *subscriber {
	s, _ := ctx.Value(subscriberKey{}).(*subscriber)
	return s
}

// close ends the connection with code and reason (once; later closes do nothing).
func (s *subscriber) close(code int, reason string) {
	s.mu.Lock()
	ws := s.ws
	s.mu.Unlock()
	if ws != nil {
		_ = ws.WriteClose(code, reason)
	}
}

// subscribers are the open, authenticated connections of this instance.
type subscribers struct {
	mu  sync.Mutex
	all map[*subscriber]struct{}
}

func (ss *subscribers) add(s *subscriber) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.all == nil {
		ss.all = map[*subscriber]struct{}{}
	}
	ss.all[s] = struct{}{}
}

func (ss *subscribers) remove(s *subscriber) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.all, s)
}

func (ss *subscribers) snapshot() []*subscriber {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]*subscriber, 0, len(ss.all))
	for s := range ss.all {
		out = append(out, s)
	}
	return out
}

// websocketAcceptOptions: the origin is checked before (upgrades), against the
// server's own trusted origins, which coder/websocket's patterns do not express.
var websocketAcceptOptions = websocket.AcceptOptions{InsecureSkipVerify: true}

// acceptor is gqlgen's coder/websocket adapter that also hands the connection to its
// subscriber, so that it can be closed with a code of ours.
type acceptor struct {
	transport.CoderWebsocketImplementation
}

func (u acceptor) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	ws, err := u.CoderWebsocketImplementation.Accept(w, r, o)
	if s := subscriberOf(r.Context()); err == nil && s != nil {
		s.mu.Lock()
		s.ws = ws
		s.mu.Unlock()
	}
	return ws, err
}

// subscriptionsOverWebSocket refuses a subscription sent over HTTP (POST or GET), which
// would otherwise wait for the first event and answer it alone.
type subscriptionsOverWebSocket struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = subscriptionsOverWebSocket{}

func (subscriptionsOverWebSocket) ExtensionName() string { return "SubscriptionsOverWebSocket" }

func (subscriptionsOverWebSocket) Validate(graphql.ExecutableSchema) error { return nil }

func (subscriptionsOverWebSocket) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription || subscriberOf(ctx) != nil {
		return nil
	}
	err := gqlerror.Errorf("subscriptions run over WebSocket at /graphql (graphql-transport-ws), not over HTTP")
	errcode.Set(err, codeBadRequest)
	return err
}

// codeBadRequest is the code of a request this endpoint cannot run as sent: a request
// error (GraphQL-over-HTTP), which gqlgen answers like one that does not validate.
const codeBadRequest = "BAD_REQUEST"

func init() { errcode.RegisterErrorType(codeBadRequest, errcode.KindProtocol) }

// websocketTransport is gqlgen's graphql-transport-ws (and legacy graphql-ws) transport.
func (a *App) websocketTransport() transport.Websocket {
	return transport.Websocket{
		Implementation:   acceptor{transport.CoderWebsocketImplementation{AcceptOptions: websocketAcceptOptions}},
		InitFunc:         a.initSubscriber,
		InitTimeout:      subscriptionInitTimeout,
		PingPongInterval: subscriptionPing,
		CloseFunc: func(ctx context.Context, _ int) {
			if s := subscriberOf(ctx); s != nil {
				a.subscribers.remove(s)
			}
		},
	}
}

// isUpgrade reports whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// upgrades sends WebSocket upgrades of /graphql to gql (they authenticate in
// connection_init) and everything else to api.
func (a *App) upgrades(api, gql http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isUpgrade(r) {
			api.ServeHTTP(w, r)
			return
		}
		// A browser page of another origin must not ride on the session cookie.
		if !a.sameOrTrustedOrigin(r) {
			reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "cross-origin WebSocket refused: this origin may not use the API")
			return
		}
		s := &subscriber{addr: clientaddr.Of(r), userAgent: r.UserAgent()}
		if c, err := r.Cookie(signin.Cookie); err == nil {
			s.cookie = c.Value
		}
		gql.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), subscriberKey{}, s)))
	})
}

// sameOrTrustedOrigin accepts an upgrade without Origin (not a browser), from this
// site, or from one of APIKEYS_CORS_ORIGINS.
func (a *App) sameOrTrustedOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range a.Config.CORSOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}

// initSubscriber authenticates connection_init: {"Authorization": "Bearer gak_…"} in its
// payload, else the upgrade's session cookie. A refusal closes with 4403.
func (a *App) initSubscriber(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	s := subscriberOf(ctx)
	refuse := func(err error) (context.Context, *transport.InitPayload, error) {
		// The reason is what a client shows (a close frame's reason: at most 123 bytes).
		ctx := transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeForbidden), "Forbidden: "+err.Error())
		return ctx, nil, err
	}
	if s == nil {
		return refuse(errors.New("not a WebSocket of /graphql"))
	}
	var v *viewer.Viewer
	var err error
	switch h := p.Authorization(); {
	case h != "":
		v, err = a.Auth.Keys.Verify(ctx, []string{h}, s.addr, s.userAgent)
		var limited keyauth.Limited
		switch {
		case errors.As(err, &limited), errors.Is(err, keyauth.ErrAddress), errors.Is(err, keyauth.ErrInvalid):
			return refuse(err)
		case err != nil:
			a.Log.ErrorContext(ctx, "subscriptions: verifying a key", "err", err)
			return refuse(errors.New("could not verify credentials, try again"))
		}
		s.keyID = v.KeyID
	case s.cookie != "":
		v, err = a.Auth.Sessions.Verify(ctx, s.cookie)
		switch {
		case errors.Is(err, signin.ErrNoSession):
			return refuse(errors.New("your session has ended: sign in again"))
		case err != nil:
			a.Log.ErrorContext(ctx, "subscriptions: verifying a session", "err", err)
			return refuse(errors.New("could not verify credentials, try again"))
		}
		s.session = s.cookie
	default:
		return refuse(errors.New(`sign in, or send {"Authorization": "Bearer <key>"} in connection_init`))
	}
	a.subscribers.add(s)
	return viewer.NewContext(ctx, v), nil, nil
}

// recheckSubscribers closes, every interval until ctx ends, the connections whose key
// was revoked or expired or whose session ended (on any instance: it asks the database).
func (a *App) recheckSubscribers(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		all := a.subscribers.snapshot()
		if len(all) == 0 {
			continue
		}
		var keyIDs []pulid.ID
		var sessions []string
		for _, s := range all {
			if s.keyID != "" {
				keyIDs = append(keyIDs, s.keyID)
			} else {
				sessions = append(sessions, s.session)
			}
		}
		activeKeys, err := a.Auth.Keys.Active(ctx, keyIDs)
		if err != nil {
			a.Log.WarnContext(ctx, "subscriptions: checking keys", "err", err)
			continue
		}
		liveSessions, err := a.Auth.Sessions.Live(ctx, sessions)
		if err != nil {
			a.Log.WarnContext(ctx, "subscriptions: checking sessions", "err", err)
			continue
		}
		for _, s := range all {
			switch {
			case s.keyID != "" && !activeKeys[s.keyID]:
				a.subscribers.remove(s)
				s.close(closeForbidden, "Forbidden: the API key was revoked or expired")
			case s.keyID == "" && !liveSessions[s.session]:
				a.subscribers.remove(s)
				s.close(closeForbidden, "Forbidden: the session ended")
			}
		}
	}
}
