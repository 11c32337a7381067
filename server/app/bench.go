//go:build bench

package app

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// The benchmark build: with APIKEYS_BENCH_VIEWER_KEY set, requests without credentials
// act as that key's service account (see server/bench); SIGUSR1 runs a full garbage
// collection and returns the freed memory to the system, so that the benchmark reads
// the RSS of what is live rather than of the collector's headroom.
func init() {
	benchSetup = func(ctx context.Context, a *App) error {
		usr1 := make(chan os.Signal, 1)
		signal.Notify(usr1, syscall.SIGUSR1)
		go func() {
			for range usr1 {
				debug.FreeOSMemory()
			}
		}()
		secret := os.Getenv("APIKEYS_BENCH_VIEWER_KEY")
		if secret == "" {
			return nil
		}
		if err := a.Auth.ActAsKeyForBenchmark(ctx, secret); err != nil {
			return err
		}
		a.Log.Warn("BENCHMARK BUILD: requests without credentials act as the service account of APIKEYS_BENCH_VIEWER_KEY")
		return nil
	}
}
