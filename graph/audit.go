package graph

import (
	"context"

	"apikeys/ent/viewer"
)

// requestDetail is an entry's address or user agent for admin people, and null for
// anyone else (admin keys read key events, not where people were).
func requestDetail(ctx context.Context, s string) *string {
	if s == "" || !viewer.FromContext(ctx).IsAdminUser() {
		return nil
	}
	return &s
}
