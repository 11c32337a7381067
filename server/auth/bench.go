//go:build bench

package auth

import (
	"context"
	"fmt"
)

// ActAsKeyForBenchmark makes requests without credentials act as the service account
// of secret. Only the benchmark build (-tags bench) has it: the benchmark compares an
// authenticated request with the same request without authentication.
func (a *Authenticator) ActAsKeyForBenchmark(ctx context.Context, secret string) error {
	v, err := a.Keys.Verify(ctx, []string{"Bearer " + secret}, "", "")
	if err != nil {
		return fmt.Errorf("APIKEYS_BENCH_VIEWER_KEY: %w", err)
	}
	a.anonymous = v
	return nil
}
