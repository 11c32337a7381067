// Package metrics is what the server exposes at /metrics, in Prometheus format:
// requests by operation and outcome, authentication results, the key cache, the lag of
// revocation notices, and the database pool.
package metrics

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one server's collectors. A nil *Metrics records nothing.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.HistogramVec
	operations *prometheus.CounterVec
	auth       *prometheus.CounterVec
	cache      *prometheus.CounterVec
	revocation prometheus.Histogram
}

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
			Help: "Authentication results: key_cached, key_verified, key_refused, session, session_refused, no_credentials, rate_limited.",
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
	}
	reg.MustRegister(m.requests, m.operations, m.auth, m.cache, m.revocation,
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

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records an HTTP request.
func (m *Metrics) Request(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	class := [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}[min(max(status/100, 1), 5)-1]
	m.requests.WithLabelValues(route, class).Observe(d.Seconds())
}

// Operation records a GraphQL operation.
func (m *Metrics) Operation(name, outcome string) {
	if m != nil {
		m.operations.WithLabelValues(name, outcome).Inc()
	}
}

// Auth records an authentication result.
func (m *Metrics) Auth(result string) {
	if m != nil {
		m.auth.WithLabelValues(result).Inc()
	}
}

// Cache records a key cache event.
func (m *Metrics) Cache(event string) {
	if m != nil {
		m.cache.WithLabelValues(event).Inc()
	}
}

// RevocationLag records how long a revocation notice took to arrive.
func (m *Metrics) RevocationLag(d time.Duration) {
	if m != nil {
		m.revocation.Observe(d.Seconds())
	}
}
