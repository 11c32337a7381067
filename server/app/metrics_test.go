package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// scrape returns the value of one sample of /metrics (its full name with labels).
func scrape(t *testing.T, s *server, sample string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	s.app.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.Bytes()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no sample %s in /metrics:\n%s", sample, grepMetrics(string(body)))
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func grepMetrics(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "apikeys_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMetrics(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		admin := s.newTenant("Acme").admin
		k := admin.createKey("Measured", "VIEWER")
		c := s.integration(k.Secret)
		for range 3 {
			c.must(nil, `{ viewer { name } }`, nil)
		}
		s.integration("gak_nonsense").gql(`{ viewer { name } }`, nil)

		for sample, atLeast := range map[string]float64{
			`apikeys_auth_results_total{result="key_verified"}`:                                1,
			`apikeys_auth_results_total{result="key_cached"}`:                                  2,
			`apikeys_auth_results_total{result="key_refused"}`:                                 1,
			`apikeys_auth_results_total{result="session"}`:                                     1,
			`apikeys_key_cache_events_total{event="hit"}`:                                      2,
			`apikeys_key_cache_events_total{event="miss"}`:                                     1,
			`apikeys_graphql_operations_total{operation="query viewer",outcome="ok"}`:          3,
			`apikeys_graphql_operations_total{operation="mutation createAPIKey",outcome="ok"}`: 1,
			`apikeys_http_request_duration_seconds_count{route="/graphql",status="2xx"}`:       4,
			`apikeys_http_request_duration_seconds_count{route="/graphql",status="4xx"}`:       1,
			`go_sql_open_connections{db_name="apikeys"}`:                                       1,
		} {
			if v := scrape(t, s, sample); v < atLeast {
				t.Errorf("%s = %v, want at least %v", sample, v, atLeast)
			}
		}
	})
}

// The metrics count across every company: the API's address does not serve them.
func TestMetricsAreNotServedBesideTheAPI(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		s.newTenant("Acme")
		res, err := http.Get(s.srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if strings.Contains(string(body), "apikeys_") || strings.Contains(res.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("GET /metrics on the API's address: HTTP %d %s\n%.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if v := scrape(t, s, `apikeys_auth_results_total{result="sign_in"}`); v != 1 {
			t.Fatalf("sign-ins on the metrics handler = %v, want 1", v)
		}
	})
}
