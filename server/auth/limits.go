package auth

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound how fast one client may fail: failed sign-ins per account and per IP,
// failed API keys per IP. Only failures spend tokens, so a client that gets it right is
// never slowed, and other clients are never slowed by someone else's failures.
type Limits struct {
	SignInPerAccount Rate
	SignInPerIP      Rate
	KeyPerIP         Rate
}

// Rate is a token bucket: Burst failures at once, then one every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// DefaultLimits: 5 wrong passwords for an account, then one a minute; 20 failed sign-ins
// from an IP, then one every 3 seconds; 20 bad keys from an IP, then one a second.
var DefaultLimits = Limits{
	SignInPerAccount: Rate{Burst: 5, Every: time.Minute},
	SignInPerIP:      Rate{Burst: 20, Every: 3 * time.Second},
	KeyPerIP:         Rate{Burst: 20, Every: time.Second},
}

// limiter is a set of token buckets by key (an IP, an email).
type limiter struct {
	rate Rate
	mu   sync.Mutex
	m    map[string]*rate.Limiter
}

func newLimiter(r Rate) *limiter { return &limiter{rate: r, m: map[string]*rate.Limiter{}} }

// maxBuckets bounds memory: beyond it, full (idle) buckets are dropped.
const maxBuckets = 100_000

func (l *limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxBuckets {
			l.sweep()
		}
		b = rate.NewLimiter(rate.Every(l.rate.Every), l.rate.Burst)
		l.m[key] = b
	}
	return b
}

// sweep drops the buckets that are full again: they hold no memory of failures.
func (l *limiter) sweep() {
	now := time.Now()
	for k, b := range l.m {
		if b.TokensAt(now) >= float64(l.rate.Burst) {
			delete(l.m, k)
		}
	}
}

// wait returns how long key must wait before its next attempt (0: go ahead).
func (l *limiter) wait(key string) time.Duration {
	if l == nil {
		return 0
	}
	b := l.bucket(key)
	tokens := b.Tokens()
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) * float64(l.rate.Every))
}

// fail spends a token of key.
func (l *limiter) fail(key string) {
	if l != nil {
		l.bucket(key).Allow()
	}
}

// CodeRateLimited is the code of a 429 answer.
const CodeRateLimited = "RATE_LIMITED"

func writeRateLimited(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	WriteError(w, http.StatusTooManyRequests, CodeRateLimited, "too many failed attempts: try again in "+strconv.Itoa(int(math.Ceil(wait.Seconds())))+" s")
}
