package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"apikeys/ent/viewer"
	"apikeys/graph"
	"apikeys/server/app"
)

// fixedViewerEnv names the key whose viewer every /graphql request of `bench serve` is,
// without authentication (case 2).
const fixedViewerEnv = "BENCH_FIXED_VIEWER_KEY"

// cpuProfileEnv names the file `bench serve` writes its CPU profile to, from its start
// to its end (-profile).
const cpuProfileEnv = "BENCH_CPU_PROFILE"

// runServe is `bench serve`: the server as `apikeys serve` runs it (app.Serve: the same
// flags, environment, garbage collector settings, constructor and handler), with the
// benchmark's own probes. BENCH_CPU_PROFILE names a file for a CPU profile of the whole
// run (-profile). SIGUSR1 runs a full collection and returns the freed
// memory to the system, so that the memory figures read what is live rather than the
// collector's headroom. And with BENCH_FIXED_VIEWER_KEY set, the handler is the app's
// own routes and layers with the authentication layer replaced by one that makes a
// request without credentials that key's viewer (case 2: what a request costs without
// authentication); a request with an Authorization header is authenticated as ever.
func runServe(args []string) int {
	logw := app.NewLogWriter(os.Stderr) // as the program logs
	defer logw.Close()
	log := slog.New(slog.NewTextHandler(logw, nil))
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			debug.FreeOSMemory()
		}
	}()
	if path := os.Getenv(cpuProfileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			log.Error(cpuProfileEnv + ": " + err.Error())
			return 1
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	handler := (*app.App).Handler
	if secret := os.Getenv(fixedViewerEnv); secret != "" {
		handler = func(a *app.App) http.Handler {
			v, err := a.Auth.Keys.Verify(ctx, []string{"Bearer " + secret}, "", "")
			if err != nil {
				log.Error(fixedViewerEnv + ": " + err.Error())
				logw.Close()
				os.Exit(1)
			}
			log.Warn("BENCHMARK: /graphql requests without credentials act as the service account of " + fixedViewerEnv)
			return a.HandlerWith(withFixedViewer(a.Layers(), v))
		}
	}
	fs := flag.NewFlagSet("bench serve", flag.ContinueOnError)
	dbURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "the database (DATABASE_URL)")
	if err := app.Serve(ctx, fs, args, dbURL, handler, os.Stdout, log); err != nil {
		log.Error("bench serve: " + err.Error())
		return 1
	}
	return 0
}

// withFixedViewer returns the layers with authentication replaced by one that makes a
// request without an Authorization header v, and authenticates the others.
func withFixedViewer(l app.Layers, v *viewer.Viewer) app.Layers {
	out := app.Layers{Outer: l.Outer}
	replaced := false
	for _, layer := range l.GraphQL {
		if layer.Name == "authentication" {
			auth := layer.Wrap
			layer = app.Layer{Name: "fixed viewer", Wrap: func(next http.Handler) http.Handler {
				authenticated := auth(next)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if len(r.Header.Values("Authorization")) > 0 {
						authenticated.ServeHTTP(w, r)
						return
					}
					next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
				})
			}}
			replaced = true
		}
		out.GraphQL = append(out.GraphQL, layer)
	}
	if !replaced {
		panic("bench: the app has no layer named authentication")
	}
	return out
}

// plainGQLGen is gqlgen's own server for the same schema, as gqlgen's documentation sets
// it up (the transports, a query cache of 1,000 documents, introspection), with no
// middleware, no extension of ours and no database: the floor that the server's
// `{ __typename }` is compared with.
func plainGQLGen() http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	return srv
}

// benchViewer is the viewer plainGQLGen's requests carry: `{ viewer { name } }` reads
// it from the context without a query.
var benchViewer = &viewer.Viewer{Kind: viewer.KindServiceAccount, ID: "sa_bench", Name: "bench-viewer", Role: viewer.RoleViewer, OrgID: "org_bench", OrgName: "Bench"}

// runPlainGQLGen is `bench gqlgen`: plainGQLGen in its own process, started and pinned
// like the server, every request benchViewer.
func runPlainGQLGen() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("plain gqlgen is listening on http://%s\n", ln.Addr())
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(app.DefaultGOGC) // as app.Serve sets it for the server
	}
	gql := plainGQLGen()
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gql.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), benchViewer)))
		}),
	}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
