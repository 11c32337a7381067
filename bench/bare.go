package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// bareBody is what the bare handler answers: the size and shape of the GraphQL answer
// to { viewer { name } }.
var bareBody = []byte(`{"data":{"viewer":{"name":"bench-viewer"}}}`)

// runBare is case 1: a bare net/http handler returning a small JSON body, in its own
// process (`bench bare`), started and pinned like the server.
func runBare() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("bare handler is listening on http://%s\n", ln.Addr())
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(bareBody)
		}),
	}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
