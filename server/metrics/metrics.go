// Package metrics is what the server exposes at /metrics, in Prometheus format:
// requests by operation and outcome, authentication results, the key cache, the lag of
// revocation notices, and the database pool.
package metrics

import (
	"database/sql"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one server's collectors. A nil *Metrics records nothing.
//
// Every request records several samples, so the children of the labelled collectors
// are looked up once and kept (a label lookup hashes the values and takes a lock):
// fixed label sets in maps filled at start and only read after, the open-ended ones
// (routes, operations) in sync.Maps.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.HistogramVec
	operations *prometheus.CounterVec
	auth       *prometheus.CounterVec
	cache      *prometheus.CounterVec
	revocation prometheus.Histogram
	events     prometheus.Histogram

	authFor     map[string]prometheus.Counter
	cacheFor    map[string]prometheus.Counter
	routes      sync.Map // route → *[5]prometheus.Observer, by status class
	operationOf sync.Map // operationKey → prometheus.Counter
}

type operationKey struct{ name, outcome string }

// The label values of apikeys_auth_results_total and apikeys_key_cache_events_total.
var (
	authResults = []string{"key_cached", "key_verified", "key_refused", "session", "session_refused", "no_credentials", "rate_limited",
		"sign_in", "sign_in_failed", "sign_in_limited", "sign_in_busy", "sign_in_failure_unrecorded"}
	cacheEvents = []string{"hit", "miss", "eviction", "revocation", "flush"}
)

// New registers the collectors, with the pool stats of db and, if given, the count of
// statements sent to it.
func New(db *sql.DB, statements func() uint64) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "apikeys_http_request_duration_seconds",
			Help:    "HTTP requests by route and status class.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "status"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apikeys_graphql_operations_total",
			Help: "GraphQL operations by operation name and outcome (ok or the first error's code).",
		}, []string{"operation", "outcome"}),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apikeys_auth_results_total",
			Help: "Authentication results: key_cached, key_verified, key_refused, session, session_refused, no_credentials, rate_limited; sign-ins: sign_in, sign_in_failed, sign_in_limited, sign_in_busy (no password-check slot in time), sign_in_failure_unrecorded (a failed sign-in beyond the audit entries' bound).",
		}, []string{"result"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apikeys_key_cache_events_total",
			Help: "Key cache events: hit, miss, eviction, revocation, flush.",
		}, []string{"event"}),
		revocation: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "apikeys_revocation_propagation_seconds",
			Help:    "From the NOTIFY of a revoking transaction on one instance to its arrival on this one.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
		events: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "apikeys_key_event_delivery_seconds",
			Help:    "From the announcement of a key change (on any instance) to its hand-over to this instance's subscribers.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
	}
	m.authFor = children(m.auth, authResults)
	m.cacheFor = children(m.cache, cacheEvents)
	reg.MustRegister(m.requests, m.operations, m.auth, m.cache, m.revocation, m.events,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "apikeys"))
	if statements != nil {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "apikeys_db_statements_total",
			Help: "Statements sent to the database (queries, writes, transactions' statements).",
		}, func() float64 { return float64(statements()) }))
	}
	return m
}

func children(v *prometheus.CounterVec, values []string) map[string]prometheus.Counter {
	m := make(map[string]prometheus.Counter, len(values))
	for _, val := range values {
		m[val] = v.WithLabelValues(val)
	}
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records an HTTP request.
func (m *Metrics) Request(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	by, ok := m.routes.Load(route)
	if !ok {
		var obs [5]prometheus.Observer
		for i, class := range []string{"1xx", "2xx", "3xx", "4xx", "5xx"} {
			obs[i] = m.requests.WithLabelValues(route, class)
		}
		by, _ = m.routes.LoadOrStore(route, &obs)
	}
	by.(*[5]prometheus.Observer)[min(max(status/100, 1), 5)-1].Observe(d.Seconds())
}

// Operation records a GraphQL operation.
func (m *Metrics) Operation(name, outcome string) {
	if m == nil {
		return
	}
	k := operationKey{name, outcome}
	c, ok := m.operationOf.Load(k)
	if !ok {
		c, _ = m.operationOf.LoadOrStore(k, m.operations.WithLabelValues(name, outcome))
	}
	c.(prometheus.Counter).Inc()
}

// Auth records an authentication result.
func (m *Metrics) Auth(result string) {
	if m == nil {
		return
	}
	if c, ok := m.authFor[result]; ok {
		c.Inc()
	} else {
		m.auth.WithLabelValues(result).Inc()
	}
}

// Cache records a key cache event.
func (m *Metrics) Cache(event string) {
	if m == nil {
		return
	}
	if c, ok := m.cacheFor[event]; ok {
		c.Inc()
	} else {
		m.cache.WithLabelValues(event).Inc()
	}
}

// EventDelivered records how long a key event took to reach this instance's subscribers.
func (m *Metrics) EventDelivered(d time.Duration) {
	if m != nil {
		m.events.Observe(d.Seconds())
	}
}

// RevocationLag records how long a revocation notice took to arrive.
func (m *Metrics) RevocationLag(d time.Duration) {
	if m != nil {
		m.revocation.Observe(d.Seconds())
	}
}
