// Package app wires the server: configuration, database, authentication, the GraphQL
// handler and the HTTP routes. The binary (server/main.go) and the tests both build
// their server here, so the tests exercise exactly what runs.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/keys"
	"apikeys/ent/people"
	"apikeys/ent/privacy"
	"apikeys/graph"
	"apikeys/server/auth"
	"apikeys/server/clientaddr"
	"apikeys/server/keyauth"
	"apikeys/server/live"
	"apikeys/server/metrics"
	"apikeys/server/ratelimit"
	"apikeys/server/reply"
	"apikeys/server/signin"
)

// Config is the server's configuration; server/main.go reads it from flags and
// environment variables.
type Config struct {
	Addr        string   // APIKEYS_ADDR
	DatabaseURL string   // DATABASE_URL
	CORSOrigins []string // APIKEYS_CORS_ORIGINS
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (APIKEYS_TRUSTED_PROXIES); none: the peer's address is the client's.
	TrustedProxies []netip.Prefix
	// GitHubScanningKeys is a file of GitHub's secret scanning public keys
	// (APIKEYS_GITHUB_SCANNING_KEYS); "" leaves POST /secret-scanning/github out.
	GitHubScanningKeys string
	SessionTTL         time.Duration // APIKEYS_SESSION_TTL
	SecureCookies      bool          // APIKEYS_SECURE_COOKIES
	// StaticDir is a built admin app to serve (APIKEYS_STATIC_DIR, development); ""
	// serves App, else a checkout's frontend/dist (static.go).
	StaticDir string
	// App is the admin app built into the binary (package frontend; nil in a build
	// without it).
	App       fs.FS
	Bootstrap people.NewOrganization
	// NoIntrospection turns schema introspection off (APIKEYS_INTROSPECTION=false);
	// the GraphQL Playground needs it.
	NoIntrospection bool
	// KeyCacheSize is how many verified keys each instance keeps (APIKEYS_KEY_CACHE_SIZE);
	// 0 means DefaultKeyCacheSize, a negative number no cache.
	KeyCacheSize int
	// LastUsedFlush is how often key uses are written (APIKEYS_LAST_USED_FLUSH); 0
	// means DefaultLastUsedFlush.
	LastUsedFlush time.Duration
	// SweepEvery is how often expired keys are moved to the Revoked tab; 0 means
	// DefaultSweepEvery. Authentication refuses them from their expiry whatever this is.
	SweepEvery time.Duration
	// Limits bound failed sign-ins and keys; zero means ratelimit.Default.
	Limits ratelimit.Limits
}

// Defaults.
const (
	DefaultAddr          = "127.0.0.1:8080"
	DefaultDatabaseURL   = "sqlite:data/apikeys.db"
	DefaultSessionTTL    = 12 * time.Hour
	DefaultKeyCacheSize  = 100_000
	DefaultLastUsedFlush = 10 * time.Second
	// DefaultSweepEvery keeps an expired key out of the Active tab for at most ~2 s (the
	// issue asks for 10).
	DefaultSweepEvery = 2 * time.Second
	// recheckRevokedEvery bounds how long a lost revocation notice could leave a key
	// cached on another instance.
	recheckRevokedEvery = 500 * time.Millisecond
	// complexityLimit bounds the work of one GraphQL operation: one unit a field,
	// aliases included, a connection's selection counted once per row of its page, and
	// more for statements and mutations (graph.Complexity). A page of 100 keys with
	// every field costs 2,310.
	complexityLimit = 5000
	// expansionLimit bounds the fields of one operation as written, fragments expanded:
	// GraphiQL's introspection query has 181, the frontend's largest operation 17. It
	// binds fragments spreading fragments and introspection, which the complexity limit
	// counts as free (aliases of __schema { types { ... } } each return the schema).
	expansionLimit = 2000
	// depthLimit bounds the nesting of one operation.
	depthLimit = 15
	// maxBody bounds a request body.
	maxBody = 1 << 20
)

// App is a configured server over an open, migrated database.
type App struct {
	Config  Config
	DB      *Database
	Log     *slog.Logger
	Auth    *auth.Authenticator
	Metrics *metrics.Metrics
	// Keys is the key lifecycle; its sweeper runs until Close.
	Keys *keys.Lifecycle
	// Events carries key changes to the subscriptions of every instance.
	Events      *live.Hub[*graph.APIKeyEvent]
	subscribers subscribers
	scanning    gitHubScanningKeys
	stopSweep   func()
	swept       sync.WaitGroup
}

// New opens and migrates the database, creates the bootstrap organization when asked
// and the database is empty, and otherwise prepares the one-time setup link.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	for _, o := range cfg.CORSOrigins {
		if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("APIKEYS_CORS_ORIGINS: %q is not an origin (scheme://host[:port]): %w", o, err)
		}
	}
	db, err := OpenMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Limits == (ratelimit.Limits{}) {
		cfg.Limits = ratelimit.Default
	}
	m := metrics.New(db.DB, db.Statements)
	a := &App{Config: cfg, DB: db, Log: log, Metrics: m, Auth: &auth.Authenticator{
		Keys:     &keyauth.Verifier{Client: db.Client, Log: log, Metrics: m, PerAddress: ratelimit.New(cfg.Limits.KeyPerIP)},
		Sessions: &signin.Sessions{Client: db.Client, Log: log, TTL: cfg.SessionTTL, SecureCookies: cfg.SecureCookies, Metrics: m},
		Log:      log,
		Metrics:  m,
	}}
	a.Auth.Sessions.UseLimits(cfg.Limits)
	if cfg.GitHubScanningKeys != "" {
		if a.scanning, err = loadGitHubScanningKeys(cfg.GitHubScanningKeys); err != nil {
			db.Close()
			return nil, fmt.Errorf("APIKEYS_GITHUB_SCANNING_KEYS: %w", err)
		}
	}
	if err := a.prepareFirstStart(ctx); err != nil {
		db.Close()
		return nil, err
	}
	b := keyauth.Background{
		KeyCacheSize:    cmp.Or(cfg.KeyCacheSize, DefaultKeyCacheSize),
		RecheckEvery:    recheckRevokedEvery,
		FlushUsageEvery: cmp.Or(cfg.LastUsedFlush, DefaultLastUsedFlush),
		Dialect:         db.Dialect,
	}
	if db.Dialect == dialect.Postgres {
		b.ListenDSN = cfg.DatabaseURL
	}
	a.Auth.Keys.Start(b)
	a.Auth.Sessions.Start()
	a.Events = live.New(log, graph.LoadKeyEvent(db.Client))
	a.Events.Delivered = m.EventDelivered
	a.Events.Start(b.ListenDSN)
	a.Keys = &keys.Lifecycle{Client: db.Client, Caches: a.Auth.Keys, Events: a.Events}
	sweepCtx, stop := context.WithCancel(context.Background())
	a.stopSweep = stop
	a.swept.Add(2)
	go func() {
		defer a.swept.Done()
		a.Keys.SweepEvery(sweepCtx, cmp.Or(cfg.SweepEvery, DefaultSweepEvery), log)
	}()
	go func() {
		defer a.swept.Done()
		a.recheckSubscribers(sweepCtx, recheckSubscribersEvery)
	}()
	return a, nil
}

// Close stops the background work (writing the last key uses) and closes the database.
func (a *App) Close() error {
	if a.stopSweep != nil {
		a.stopSweep()
		a.swept.Wait()
	}
	for _, s := range a.subscribers.snapshot() {
		s.close(closeGoingAway, "the server is shutting down")
	}
	if a.Events != nil {
		a.Events.Stop()
	}
	a.Auth.Sessions.Stop()
	err := a.Auth.Keys.Stop()
	return errors.Join(err, a.DB.Close())
}

func (a *App) prepareFirstStart(ctx context.Context) error {
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := a.DB.Client.Organization.Query().Exist(actx)
	if err != nil || exists {
		return err
	}
	if b := a.Config.Bootstrap; b.Name != "" || b.AdminEmail != "" || b.AdminPassword != "" {
		if b.AdminName == "" {
			b.AdminName = "Admin"
		}
		var org *ent.Organization
		err := audit.InTx(ctx, a.DB.Client, func(c *ent.Client) error {
			org, _, err = people.CreateOrganization(ctx, c, b, false)
			return err
		})
		if err != nil {
			return fmt.Errorf("creating the bootstrap organization: %w", err)
		}
		a.Log.Info("created the bootstrap organization", "organization", org.Name, "admin_email", b.AdminEmail)
		return nil
	}
	token, err := signin.NewSetupToken()
	if err != nil {
		return err
	}
	a.Auth.Sessions.SetupToken = token
	return nil
}

// SetupURL returns the one-time setup link of an empty server on base, or "".
func (a *App) SetupURL(base string) string {
	if a.Auth.Sessions.SetupToken == nil || a.Auth.Sessions.SetupToken.Value() == "" {
		return ""
	}
	return base + "/setup?token=" + a.Auth.Sessions.SetupToken.Value()
}

// GraphQL returns the GraphQL handler (without authentication).
func (a *App) GraphQL() http.Handler {
	client := a.DB.Client
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &graph.Resolver{Client: client, Keys: a.Keys, Events: a.Events},
		Complexity: graph.Complexity(),
	}))
	srv.AddTransport(a.websocketTransport())
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{}) // queries only: gqlgen refuses mutations over GET
	srv.AddTransport(postJSON{})      // transport.POST, writing "data" as it is
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if !a.Config.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	// Before the complexity limit, which expands every fragment spread and decodes every
	// argument: both must be bounded first.
	srv.Use(subscriptionsOverWebSocket{})
	srv.Use(graph.ExpansionLimit{Max: expansionLimit})
	srv.Use(graph.DefaultInputLimits())
	srv.Use(extension.FixedComplexityLimit(complexityLimit))
	srv.Use(graph.DepthLimit{Max: depthLimit})
	srv.Use(graph.Transactioner{Transactioner: entgql.Transactioner{TxOpener: client}})
	srv.AroundOperations(graph.WithAuditDetails)
	srv.Use(graph.ResolverErrors{})
	srv.SetErrorPresenter(graph.ErrorPresenter(a.Log, RequestID))
	srv.SetRecoverFunc(graph.Recover(a.Log))
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		res := next(ctx)
		if res != nil {
			a.Metrics.Operation(operationLabel(ctx), outcome(res))
		}
		return res
	})
	return srv
}

// operationLabel names an operation by its type and first root field ("query apiKeys"):
// names the schema bounds, unlike the operation names clients choose.
func operationLabel(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return "invalid"
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil {
		return "invalid"
	}
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			return string(op.Operation) + " " + f.Name
		}
	}
	return string(op.Operation)
}

func outcome(res *graphql.Response) string {
	if len(res.Errors) == 0 {
		return "ok"
	}
	if code, ok := res.Errors[0].Extensions["code"].(string); ok {
		return code
	}
	return "error"
}

// Handler returns the server's HTTP handler: every route, behind every layer of
// Layers.
func (a *App) Handler() http.Handler {
	return a.HandlerWith(a.Layers())
}

// A Layer is one middleware of the server, by the name the cost table of BENCHMARKS.md
// gives it.
type Layer struct {
	Name string
	Wrap func(http.Handler) http.Handler
}

// Layers are the server's middleware in the order a request meets them: Outer around
// every route, then GraphQL around /graphql's HTTP requests (a WebSocket upgrade
// authenticates in its connection_init instead).
type Layers struct {
	Outer, GraphQL []Layer
}

// Layers returns the middleware Handler composes.
func (a *App) Layers() Layers {
	return Layers{
		Outer: []Layer{
			{"client address", clientaddr.Middleware(a.Config.TrustedProxies)},
			{"request id, log and metrics", a.logRequests},
			{"body limit", limitBody},
			{"security headers", securityHeaders},
			{"CORS", a.cors},
			{"cross-origin protection", a.crossOriginProtection},
		},
		GraphQL: []Layer{
			{"no-store", noStore},
			{"GraphQL over HTTP", graphQLOverHTTP},
			{"authentication", a.Auth.Middleware},
		},
	}
}

// Wrap puts h behind layers, the first outermost.
func Wrap(h http.Handler, layers []Layer) http.Handler {
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i].Wrap(h)
	}
	return h
}

// HandlerWith returns every route behind the given layers (Handler's are a.Layers()).
func (a *App) HandlerWith(l Layers) http.Handler {
	mux := http.NewServeMux()
	gql := a.GraphQL()
	mux.Handle("/graphql", a.upgrades(Wrap(gql, l.GraphQL), gql))
	mux.Handle("GET /audit/export", noStore(a.Auth.Middleware(http.HandlerFunc(a.exportAudit))))
	mux.HandleFunc("POST /auth/login", a.Auth.Sessions.Login)
	mux.HandleFunc("POST /auth/logout", a.Auth.Sessions.Logout)
	mux.HandleFunc("GET /auth/session", a.Auth.Sessions.Session)
	mux.HandleFunc("POST /auth/setup", a.Auth.Sessions.Setup)
	mux.Handle("POST /credentials/revoke", noStore(a.reportLeaks(ratelimit.New(leakReportsPerAddress))))
	if a.scanning != nil {
		mux.Handle("POST /secret-scanning/github", a.gitHubSecretScanning(a.scanning))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("/", appOrNotFound(a.static()))
	return Wrap(mux, l.Outer)
}

// cors answers cross-origin requests from APIKEYS_CORS_ORIGINS. No origins: no CORS
// at all (rs/cors would take an empty list as "every origin").
func (a *App) cors(next http.Handler) http.Handler {
	if len(a.Config.CORSOrigins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins:   a.Config.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type"},
		AllowCredentials: true,
		MaxAge:           600,
	}).Handler(next)
}

// appOrNotFound serves the admin app for GET and HEAD on any path the server has no
// other route for; anything else there is 404 with a JSON error, not the app's page.
func appOrNotFound(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			reply.Error(w, http.StatusNotFound, reply.CodeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses state-changing browser requests from other origins
// that would ride on the session cookie (Go's CrossOriginProtection: Sec-Fetch-Site, or
// Origin against Host), with the CORS origins trusted. A request with an Authorization
// header authenticates with its key, never the cookie, so it is not checked.
func (a *App) crossOriginProtection(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	for _, o := range a.Config.CORSOrigins {
		_ = p.AddTrustedOrigin(o) // checked by New
	}
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "cross-origin request refused: this origin may not use the session")
	}))
	protected := p.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Authorization")) > 0 {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// MetricsHandler serves /metrics (Prometheus format). It counts across every company,
// so the binary serves it only on its own address (APIKEYS_METRICS_ADDR), never
// beside the API.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	return mux
}

func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.DB.PingContext(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unreachable")
		return
	}
	fmt.Fprintln(w, "ready")
}

// Header values set on every response, built once: a header map takes the slice as
// it is (http.Header.Set would allocate one and canonicalize the name per response).
var (
	noStoreValue  = []string{"no-store"}
	securityValue = map[string][]string{
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"no-referrer"},
		"X-Frame-Options":         {"DENY"},
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
	}
)

func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Responses carry tenant data and, once, a new key's secret.
		w.Header()["Cache-Control"] = noStoreValue
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityValue {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			reply.Error(w, http.StatusRequestEntityTooLarge, reply.CodeBadUserInput, "the request body is larger than 1 MiB")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

// RequestID returns the id of the request of ctx.
func RequestID(ctx context.Context) string {
	if l, ok := ctx.Value(requestIDKey{}).(*loggedRequest); ok {
		return l.id[0]
	}
	return ""
}

// loggedRequest is what logRequests keeps of a request, in one allocation: the status
// answered (it wraps the ResponseWriter) and the request id, the value of the
// X-Request-Id header and of the context (RequestID).
type loggedRequest struct {
	http.ResponseWriter
	status int
	id     [1]string
}

func (l *loggedRequest) WriteHeader(code int) {
	l.status = code
	l.ResponseWriter.WriteHeader(code)
}

func (l *loggedRequest) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// Request ids: a random prefix per process and a counter, unique across instances
// without a call to crypto/rand per request (ids are not secrets).
var (
	requestIDPrefix = func() uint64 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return uint64(binary.BigEndian.Uint32(b[:])) << 32
	}()
	requestCount atomic.Uint32
)

func newRequestID() string {
	var b [16]byte
	hex.Encode(b[:], binary.BigEndian.AppendUint64(nil, requestIDPrefix|uint64(requestCount.Add(1))))
	return string(b[:])
}

// logRequests gives each request an id (X-Request-Id) and logs it: method, path (never
// the query string, which may hold the setup token), status and duration. Headers and
// bodies are never logged: they hold keys, cookies and passwords.
func (a *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := &loggedRequest{ResponseWriter: w, status: http.StatusOK, id: [1]string{newRequestID()}}
		w.Header()["X-Request-Id"] = l.id[:]
		start := time.Now()
		inner := r.WithContext(context.WithValue(r.Context(), requestIDKey{}, l))
		next.ServeHTTP(l, inner)
		route := inner.Pattern // set by the mux: bounded, unlike paths
		if route == "" {
			route = "other"
		}
		took := time.Since(start)
		a.Metrics.Request(route, l.status, took)
		// The record is built here rather than by Logger.LogAttrs, which would also
		// walk the stack for a source position no handler of ours prints.
		if h := a.Log.Handler(); h.Enabled(r.Context(), slog.LevelInfo) {
			lr := slog.NewRecord(start.Add(took), slog.LevelInfo, "request", 0)
			lr.AddAttrs(
				slog.String("request_id", l.id[0]),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", l.status),
				slog.Duration("duration", took))
			_ = h.Handle(r.Context(), lr)
		}
	})
}

// ServeListener runs the HTTP server on ln until ctx ends, then shuts it down
// gracefully: in-flight requests finish (for up to 30 seconds).
func (a *App) ServeListener(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
