// Command apikeys is the API-key and service-account server.
//
//	apikeys [serve]      run the server (the default)
//	apikeys migrate      bring the database schema up to date and exit
//	apikeys create-org --name NAME --admin-email EMAIL --admin-name NAME
//	                     create an organization and its first admin; the admin's
//	                     password is read from standard input
//	apikeys keys …, apikeys audit list …
//	                     the command line built on the API (server/cli): a running
//	                     server at APIKEYS_URL, a key in APIKEYS_TOKEN
//
// Every flag has an environment variable of the same meaning (see README.md).
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/keys"
	"apikeys/ent/people"
	"apikeys/frontend"
	"apikeys/server/app"
	"apikeys/server/cli"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, log); err != nil {
		var usage usageError
		var exit exitCode
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		if errors.As(err, &usage) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		log.Error("apikeys: " + err.Error())
		os.Exit(1)
	}
}

type usageError struct{ error }

// exitCode ends the process with a code once the command has said why on standard
// error (the commands of server/cli).
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit code %d", int(c)) }

// apiCommand runs a command of the command line built on the API (server/cli).
func apiCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if code := cli.Run(ctx, args, os.Getenv, stdout, os.Stderr); code != 0 {
		return exitCode(code)
	}
	return nil
}

// defaultGOGC is the collector's setting of `serve` unless GOGC is in the environment.
const defaultGOGC = 400

// The soft memory limit of `serve` unless GOMEMLIMIT is in the environment: 160 MiB and
// 256 bytes for each key the cache may hold (a cached key takes about 120).
const (
	memoryLimitBase         = 160 << 20
	memoryLimitPerCachedKey = 256
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("apikeys "+cmd, flag.ContinueOnError)
	dbURL := fs.String("database-url", env("DATABASE_URL", app.DefaultDatabaseURL), "sqlite:PATH or postgres://… (DATABASE_URL)")
	switch cmd {
	case "serve":
		return serve(ctx, fs, args, dbURL, stdout, log)
	case "migrate":
		if err := fs.Parse(args); err != nil {
			return usageError{err}
		}
		db, err := app.OpenMigrated(ctx, *dbURL)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintln(stdout, "the database schema is up to date")
		return nil
	case "create-org":
		return createOrg(ctx, fs, args, dbURL, stdin, stdout)
	case "keys":
		return apiCommand(ctx, append([]string{cmd}, args...), stdout)
	case "audit":
		if len(args) > 0 && args[0] == "list" {
			return apiCommand(ctx, append([]string{cmd}, args...), stdout)
		}
		if len(args) == 0 || args[0] != "verify" {
			return usageError{errors.New("use: apikeys audit verify [--org ID] [--file export.ndjson], or apikeys audit list [--action A,B] [--limit N] [--json]")}
		}
		return verifyAudit(ctx, fs, args[1:], dbURL, stdout)
	default:
		return usageError{fmt.Errorf("unknown command %q: use serve, migrate, create-org, audit verify, audit list or keys", cmd)}
	}
}

func serve(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, stdout io.Writer, log *slog.Logger) error {
	addr := fs.String("addr", env("APIKEYS_ADDR", app.DefaultAddr), "listen address (APIKEYS_ADDR)")
	origins := fs.String("cors-origins", env("APIKEYS_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS, with credentials (APIKEYS_CORS_ORIGINS)")
	ttl := fs.Duration("session-ttl", durationEnv("APIKEYS_SESSION_TTL", app.DefaultSessionTTL), "how long a sign-in lasts (APIKEYS_SESSION_TTL)")
	secure := fs.Bool("secure-cookies", env("APIKEYS_SECURE_COOKIES", "") == "true", "mark cookies Secure on plain HTTP, behind a TLS proxy (APIKEYS_SECURE_COOKIES)")
	cacheSize := fs.Int("key-cache-size", intEnv("APIKEYS_KEY_CACHE_SIZE", app.DefaultKeyCacheSize), "verified keys kept in memory; 0 turns the cache off (APIKEYS_KEY_CACHE_SIZE)")
	flush := fs.Duration("last-used-flush", durationEnv("APIKEYS_LAST_USED_FLUSH", app.DefaultLastUsedFlush), "how often key uses are written (APIKEYS_LAST_USED_FLUSH)")
	sweep := fs.Duration("sweep-every", durationEnv("APIKEYS_SWEEP_EVERY", app.DefaultSweepEvery), "how often expired keys move to the Revoked tab; they are refused from their expiry regardless (APIKEYS_SWEEP_EVERY)")
	introspection := fs.Bool("introspection", env("APIKEYS_INTROSPECTION", "true") != "false", "answer schema introspection; the GraphQL Playground needs it (APIKEYS_INTROSPECTION)")
	metricsAddr := fs.String("metrics-addr", env("APIKEYS_METRICS_ADDR", ""), "where to serve /metrics (Prometheus), apart from the API; unset: not served (APIKEYS_METRICS_ADDR)")
	proxies := fs.String("trusted-proxies", env("APIKEYS_TRUSTED_PROXIES", ""), "comma-separated CIDRs of the proxies whose X-Forwarded-For is believed; unset: the peer's address is the client's (APIKEYS_TRUSTED_PROXIES)")
	scanning := fs.String("github-scanning-keys", env("APIKEYS_GITHUB_SCANNING_KEYS", ""), "a file of GitHub's secret scanning public keys (the JSON of api.github.com/meta/public_keys/secret_scanning); unset: no GitHub secret scanning endpoint (APIKEYS_GITHUB_SCANNING_KEYS)")
	static := fs.String("static-dir", env("APIKEYS_STATIC_DIR", ""), "a built admin app to serve instead of the one built into the binary (APIKEYS_STATIC_DIR; e.g. frontend/dist)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// The server's live heap is small (tens of MB, the key cache included) and every
		// request allocates: with Go's default of 100 the collector would run every few
		// hundred requests. 400 lets the heap reach five times what is live between
		// collections, about a fifth less CPU per request for tens of MB more.
		debug.SetGCPercent(defaultGOGC)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		// With GOGC=400 the heap may grow to five times what is live between collections,
		// and a sign-in's password check has 19 MiB live while it runs: a burst of sign-ins
		// would take hundreds of MB. A soft limit makes the collector run sooner near it;
		// it is far above what the server keeps live (the key cache's room included).
		debug.SetMemoryLimit(memoryLimitBase + int64(max(*cacheSize, 0))*memoryLimitPerCachedKey)
	}
	cfg := app.Config{
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
				return usageError{fmt.Errorf("APIKEYS_TRUSTED_PROXIES: %q is not an address or a CIDR network", p)}
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, n)
		}
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	a, err := app.New(ctx, cfg, log)
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
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return a.ServeListener(ctx, srv, ln)
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

func createOrg(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, stdin io.Reader, stdout io.Writer) error {
	name := fs.String("name", "", "the organization's name")
	email := fs.String("admin-email", "", "the first admin's email")
	adminName := fs.String("admin-name", "", "the first admin's name")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *name == "" || *email == "" || *adminName == "" {
		return usageError{errors.New("create-org needs --name, --admin-email and --admin-name; the password comes on standard input")}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw := strings.TrimRight(line, "\r\n")
	db, err := app.OpenMigrated(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var org *ent.Organization
	err = audit.InTx(ctx, db.Client, func(c *ent.Client) error {
		org, _, err = people.CreateOrganization(ctx, c, people.NewOrganization{
			Name: *name, AdminName: *adminName, AdminEmail: *email, AdminPassword: pw,
		}, false)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created organization %q (%s) with admin %s\n", org.Name, org.ID, *email)
	return nil
}

// errBroken ends `audit verify` with exit code 1 once it has said what is broken.
var errBroken = errors.New("the audit trail does not verify")

// verifyAudit is `apikeys audit verify`: the chain of every organization's trail (or of
// one, --org) read from the database, or of an NDJSON export (--file), offline. It
// prints one line per trail and fails (exit 1) naming the first broken entry.
func verifyAudit(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, stdout io.Writer) error {
	org := fs.String("org", "", "verify this organization only (its id, org_…)")
	file := fs.String("file", "", "verify an NDJSON export instead of the database (- for standard input)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected %q: use apikeys audit verify [--org ID] [--file export.ndjson]", fs.Arg(0))}
	}
	if *file != "" {
		return verifyAuditFile(*file, stdout)
	}
	db, err := app.OpenDatabase(*dbURL) // read only: no migration
	if err != nil {
		return err
	}
	defer db.Close()
	orgs := []string{*org}
	if *org == "" {
		if orgs, err = organizationIDs(ctx, db); err != nil {
			return err
		}
	}
	broken := false
	for _, id := range orgs {
		v, err := audit.Verify(ctx, db.DB, id)
		if err != nil {
			return err
		}
		if v.OK {
			fmt.Fprintf(stdout, "%s: verified %d entries, head %d %s\n", id, v.EntriesChecked, v.HeadSequence, cmp.Or(v.HeadHash, "(empty)"))
			continue
		}
		broken = true
		fmt.Fprintf(stdout, "%s: BROKEN at entry %d (%s): %s; %d entries before it verified\n", id, v.FirstBroken, v.Problem, v.Detail, v.EntriesChecked)
	}
	if broken {
		return errBroken
	}
	return nil
}

func organizationIDs(ctx context.Context, db *app.Database) ([]string, error) {
	rows, err := db.DB.QueryContext(ctx, "SELECT id FROM organizations ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func verifyAuditFile(path string, stdout io.Writer) error {
	in := os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	v, err := audit.VerifyFile(in)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !v.OK {
		fmt.Fprintf(stdout, "%s: BROKEN at entry %d (%s): %s; %d entries before it verified\n", path, v.FirstBroken, v.Problem, v.Detail, v.EntriesChecked)
		return errBroken
	}
	fmt.Fprintf(stdout, "%s: verified %d entries of %s, last %d %s\n", path, v.EntriesChecked, cmp.Or(v.Organization, "no organization"), v.HeadSequence, cmp.Or(v.HeadHash, "(empty)"))
	if v.Gaps > 0 {
		fmt.Fprintf(stdout, "  the file skips entries in %d places (a filtered export): the links across them are not checked\n", v.Gaps)
	}
	if v.Withheld > 0 {
		fmt.Fprintf(stdout, "  %d entries carry no addresses (exported by a service account): their order and links are checked, their hashes cannot be recomputed\n", v.Withheld)
	}
	return nil
}
