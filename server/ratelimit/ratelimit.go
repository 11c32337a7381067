// Package ratelimit bounds how fast one client may fail, with token buckets that give a
// token back to an attempt that did not fail: a client that gets it right is never
// slowed, and no client is slowed by another's failures.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Limits bound how fast one client may fail: failed sign-ins per account and per IP,
// failed API keys per IP. Only failures spend tokens, so a client that gets it right is
// never slowed, and other clients are never slowed by someone else's failures.
type Limits struct {
	SignInPerAccount Rate
	SignInPerIP      Rate
	KeyPerIP         Rate
	// FailureEntries bounds the "failed sign-in" audit entries written for one account
	// and for one address; the rest are only counted (metric sign_in_failures_unrecorded).
	FailureEntries Rate
}

// Rate is a token bucket: Burst failures at once, then one every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// Default: 5 wrong passwords for an account, then one a minute; 20 failed sign-ins
// from an IP, then one every 3 seconds; 20 bad keys from an IP, then one a second; 10
// failed-sign-in entries for an account or an address, then one a minute.
var Default = Limits{
	SignInPerAccount: Rate{Burst: 5, Every: time.Minute},
	SignInPerIP:      Rate{Burst: 20, Every: 3 * time.Second},
	KeyPerIP:         Rate{Burst: 20, Every: time.Second},
	FailureEntries:   Rate{Burst: 10, Every: time.Minute},
}

// bucket is a token bucket that can also be given a token back: a sign-in spends its
// token before the password check (so that requests sent together cannot all pass)
// and returns it when the password was right. (golang.org/x/time/rate cannot return a
// token once its reservation's moment has passed.)
type bucket struct {
	tokens float64
	at     time.Time
}

// buckets is a set of token buckets by key (an IP, an email). Its methods are called
// with the owner's lock held.
type buckets struct {
	rate Rate
	m    map[string]*bucket
}

func newBuckets(r Rate) buckets { return buckets{rate: r, m: map[string]*bucket{}} }

// maxBuckets bounds memory: beyond it, full (idle) buckets are dropped.
const maxBuckets = 100_000

// get returns key's bucket, refilled up to now.
func (bs *buckets) get(key string, now time.Time) *bucket {
	b, ok := bs.m[key]
	if !ok {
		if len(bs.m) >= maxBuckets {
			bs.sweep(now)
		}
		b = &bucket{tokens: float64(bs.rate.Burst), at: now}
		bs.m[key] = b
		return b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(bs.rate.Burst), b.tokens+float64(elapsed)/float64(bs.rate.Every))
		b.at = now
	}
	return b
}

// sweep drops the buckets that are full again: they hold no memory of failures.
func (bs *buckets) sweep(now time.Time) {
	for k := range bs.m {
		if bs.full(k, now) {
			delete(bs.m, k)
		}
	}
}

// full reports whether key has no failure (or attempt in flight) to remember.
func (bs *buckets) full(key string, now time.Time) bool {
	if _, ok := bs.m[key]; !ok {
		return true
	}
	return bs.get(key, now).tokens >= float64(bs.rate.Burst)
}

// take spends a token of key, or says how long until one is there.
func (bs *buckets) take(key string, now time.Time) (wait time.Duration) {
	b := bs.get(key, now)
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(bs.rate.Every))
	}
	b.tokens--
	return 0
}

// giveBack returns a token taken for an attempt that did not fail.
func (bs *buckets) giveBack(key string, now time.Time) {
	b := bs.get(key, now)
	b.tokens = math.Min(float64(bs.rate.Burst), b.tokens+1)
}

// Limiter is a set of token buckets by key (a client address) with its own lock; a
// nil Limiter limits nothing.
type Limiter struct {
	mu sync.Mutex
	buckets
}

// New returns a Limiter of rate r.
func New(r Rate) *Limiter { return &Limiter{buckets: newBuckets(r)} }

// Take spends a token of key for an attempt, or says how long to wait (nothing spent);
// Succeeded gives it back (an attempt that did not fail costs nothing).
func (l *Limiter) Take(key string) time.Duration {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.take(key, time.Now())
}

// Succeeded gives back the token of an attempt that did not fail.
func (l *Limiter) Succeeded(key string) {
	if l != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.giveBack(key, time.Now())
	}
}

// Allow spends a token of key if there is one.
func (l *Limiter) Allow(key string) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.take(key, time.Now()) == 0
}

// SignIn decides which sign-in attempts may check a password. An attempt takes
// its tokens before the check and gives them back if the password was right.
//
//   - Per address: every attempt takes a token; none left, 429.
//   - Per account: an attempt takes one of the account's tokens; when none is left, only
//     an address that has not failed (its bucket is full, nothing in flight) may still
//     try, so that someone guessing an account's password cannot lock its owner out
//     from the owner's own address.
type SignIn struct {
	mu                sync.Mutex
	perAccount, perIP buckets
}

// NewSignIn returns the limits of sign-ins per account and per address.
func NewSignIn(perAccount, perIP Rate) *SignIn {
	return &SignIn{perAccount: newBuckets(perAccount), perIP: newBuckets(perIP)}
}

// Attempt is a sign-in attempt holding its tokens.
type Attempt struct {
	l                *SignIn
	account, ip      string
	tookAccountToken bool
}

// Begin takes the tokens of an attempt, or says how long to wait. A nil limiter
// limits nothing.
func (l *SignIn) Begin(account, ip string) (*Attempt, time.Duration) {
	if l == nil {
		return &Attempt{}, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	clean := l.perIP.full(ip, now)
	if wait := l.perIP.take(ip, now); wait > 0 {
		return nil, wait
	}
	a := &Attempt{l: l, account: account, ip: ip, tookAccountToken: true}
	if wait := l.perAccount.take(account, now); wait > 0 {
		if !clean {
			l.perIP.giveBack(ip, now)
			return nil, wait
		}
		a.tookAccountToken = false
	}
	return a, 0
}

// Succeeded gives the attempt's tokens back: a right password costs nothing.
func (a *Attempt) Succeeded() {
	if a.l == nil {
		return
	}
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	now := time.Now()
	a.l.perIP.giveBack(a.ip, now)
	if a.tookAccountToken {
		a.l.perAccount.giveBack(a.account, now)
	}
}
