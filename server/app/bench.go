//go:build bench

package app

import (
	"context"
	"os"
)

// The benchmark build: with APIKEYS_BENCH_VIEWER_KEY set, requests without credentials
// act as that key's service account (see server/bench).
func init() {
	benchSetup = func(ctx context.Context, a *App) error {
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
