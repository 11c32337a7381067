package app

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"apikeys/ent/keys"
	"apikeys/ent/people"
	"apikeys/frontend"
)

// UsageError is a command line the command cannot take (the program exits with 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// DefaultGOGC is the collector's setting of `serve` unless GOGC is in the environment.
const DefaultGOGC = 400

// The soft memory limit of `serve` unless GOMEMLIMIT is in the environment: 160 MiB and
// 256 bytes for each key the cache may hold (a cached key takes about 120).
const (
	memoryLimitBase         = 160 << 20
	memoryLimitPerCachedKey = 256
)

// Serve is the command `apikeys serve`: it reads the flags (each with an environment
// variable of the same meaning) of fs from args, tunes the garbage collector, builds the
// App, prints where it listens and serves handler(app) until ctx ends. The program's
// handler is (*App).Handler.
func Serve(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, handler func(*App) http.Handler, stdout io.Writer, log *slog.Logger) error {
	addr := fs.String("addr", env("APIKEYS_ADDR", DefaultAddr), "listen address (APIKEYS_ADDR)")
	origins := fs.String("cors-origins", env("APIKEYS_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS, with credentials (APIKEYS_CORS_ORIGINS)")
	ttl := fs.Duration("session-ttl", durationEnv("APIKEYS_SESSION_TTL", DefaultSessionTTL), "how long a sign-in lasts (APIKEYS_SESSION_TTL)")
	secure := fs.Bool("secure-cookies", env("APIKEYS_SECURE_COOKIES", "") == "true", "mark cookies Secure on plain HTTP, behind a TLS proxy (APIKEYS_SECURE_COOKIES)")
	cacheSize := fs.Int("key-cache-size", intEnv("APIKEYS_KEY_CACHE_SIZE", DefaultKeyCacheSize), "verified keys kept in memory; 0 turns the cache off (APIKEYS_KEY_CACHE_SIZE)")
	flush := fs.Duration("last-used-flush", durationEnv("APIKEYS_LAST_USED_FLUSH", DefaultLastUsedFlush), "how often key uses are written (APIKEYS_LAST_USED_FLUSH)")
	sweep := fs.Duration("sweep-every", durationEnv("APIKEYS_SWEEP_EVERY", DefaultSweepEvery), "how often expired keys move to the Revoked tab; they are refused from their expiry regardless (APIKEYS_SWEEP_EVERY)")
	introspection := fs.Bool("introspection", env("APIKEYS_INTROSPECTION", "true") != "false", "answer schema introspection; the GraphQL Playground needs it (APIKEYS_INTROSPECTION)")
	metricsAddr := fs.String("metrics-addr", env("APIKEYS_METRICS_ADDR", ""), "where to serve /metrics (Prometheus), apart from the API; unset: not served (APIKEYS_METRICS_ADDR)")
	proxies := fs.String("trusted-proxies", env("APIKEYS_TRUSTED_PROXIES", ""), "comma-separated CIDRs of the proxies whose X-Forwarded-For is believed; unset: the peer's address is the client's (APIKEYS_TRUSTED_PROXIES)")
	scanning := fs.String("github-scanning-keys", env("APIKEYS_GITHUB_SCANNING_KEYS", ""), "a file of GitHub's secret scanning public keys (the JSON of api.github.com/meta/public_keys/secret_scanning); unset: no GitHub secret scanning endpoint (APIKEYS_GITHUB_SCANNING_KEYS)")
	static := fs.String("static-dir", env("APIKEYS_STATIC_DIR", ""), "a built admin app to serve instead of the one built into the binary (APIKEYS_STATIC_DIR; e.g. frontend/dist)")
	if err := fs.Parse(args); err != nil {
		return UsageError{err}
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// The server's live heap is small (tens of MB, the key cache included) and every
		// request allocates: with Go's default of 100 the collector would run every few
		// hundred requests. 400 lets the heap reach five times what is live between
		// collections, about a fifth less CPU per request for tens of MB more.
		debug.SetGCPercent(DefaultGOGC)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		// With GOGC=400 the heap may grow to five times what is live between collections,
		// and a sign-in's password check has 19 MiB live while it runs: a burst of sign-ins
		// would take hundreds of MB. A soft limit makes the collector run sooner near it;
		// it is far above what the server keeps live (the key cache's room included).
		debug.SetMemoryLimit(memoryLimitBase + int64(max(*cacheSize, 0))*memoryLimitPerCachedKey)
	}
	cfg := Config{
		Addr:               *addr,
		DatabaseURL:        *dbURL,
		SessionTTL:         *ttl,
		SecureCookies:      *secure,
		StaticDir:          *static,
		App:                frontend.Files(),
		NoIntrospection:    !*introspection,
		KeyCacheSize:       cmp.Or(*cacheSize, -1), // 0 on the command line: no cache
		LastUsedFlush:      *flush,
		SweepEvery:         *sweep,
		GitHubScanningKeys: *scanning,
		Bootstrap: people.NewOrganization{
			Name:          os.Getenv("APIKEYS_BOOTSTRAP_ORG"),
			AdminName:     os.Getenv("APIKEYS_BOOTSTRAP_ADMIN_NAME"),
			AdminEmail:    os.Getenv("APIKEYS_BOOTSTRAP_ADMIN_EMAIL"),
			AdminPassword: os.Getenv("APIKEYS_BOOTSTRAP_ADMIN_PASSWORD"),
		},
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n, err := keys.ParseNetwork(p)
			if err != nil {
				return UsageError{fmt.Errorf("APIKEYS_TRUSTED_PROXIES: %q is not an address or a CIDR network", p)}
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, n)
		}
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		// Counts across every company: on its own address, for the operator's scraper,
		// never on the API's.
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics address: %w", err)
		}
		msrv := &http.Server{Handler: a.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(mln) //nolint:errcheck // ends with Close below
		defer msrv.Close()
		fmt.Fprintf(stdout, "Metrics (Prometheus) at http://%s/metrics\n", mln.Addr())
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "apikeys is listening on %s (GraphQL API: %s/graphql)\n", base, base)
	if setup := a.SetupURL(base); setup != "" {
		fmt.Fprintf(stdout, "No company is set up yet. Open this one-time link to create it and its first admin:\n  %s\n", setup)
	} else {
		fmt.Fprintf(stdout, "Sign in at %s with an admin's email and password.\n", base)
	}
	srv := &http.Server{
		Handler:           handler(a),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return a.ServeListener(ctx, srv, ln)
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func intEnv(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func durationEnv(name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}
