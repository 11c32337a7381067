package app_test

import (
	"net/http"
	"strings"
	"testing"

	"apikeys/server/app"
)

// Issue 11, defects 3-5: the session cookie does not work from other origins, no CORS
// without configured origins, and unknown endpoints are not the admin app.

// post sends a JSON POST to path from origin (as a browser would, Sec-Fetch-Site too),
// with c's cookies and, if key is set, the key.
func (c *client) postFrom(path, origin, site, body, key string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return c.do(req)
}

const createFromElsewhere = `{"query":"mutation { createAPIKey(input: {name: \"From elsewhere\", role: ADMIN}) { apiKey { id } } }"}`

func TestCookiesDoNotWorkFromOtherOrigins(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url, CORSOrigins: []string{"https://admin.example.com"}})
		acme := s.newTenant("Acme")
		admin := acme.admin
		key := admin.createKey("Robot", "ADMIN")
		before := admin.counts().Active

		// Another site, with the admin's cookie: refused, nothing created.
		for _, c := range []struct{ origin, site string }{
			{"https://evil.example", "cross-site"},
			{"https://evil.acme.example", "same-site"}, // a sibling subdomain
			{"https://evil.example", ""},               // an older browser: Origin against Host
		} {
			r := admin.postFrom("/graphql", c.origin, c.site, createFromElsewhere, "")
			expectCode(t, r, http.StatusForbidden, "FORBIDDEN")
		}
		r := admin.postFrom("/auth/logout", "https://evil.example", "cross-site", `{}`, "")
		expectCode(t, r, http.StatusForbidden, "FORBIDDEN")
		if got := admin.counts().Active; got != before {
			t.Fatalf("a cross-origin request created a key: %d active, was %d", got, before)
		}

		// The legitimate paths next to the defence: this site, a configured origin, a
		// non-browser client, and a Bearer key from anywhere.
		for _, c := range []struct{ origin, site, key string }{
			{"", "same-origin", ""},
			{s.srv.URL, "", ""},
			{"https://admin.example.com", "cross-site", ""},
			{"", "", ""},
			{"https://evil.example", "cross-site", key.Secret},
		} {
			if r := admin.postFrom("/graphql", c.origin, c.site, createFromElsewhere, c.key); r.Status != http.StatusOK || len(r.Errors) > 0 {
				t.Errorf("origin %q, Sec-Fetch-Site %q, key %v: HTTP %d %s", c.origin, c.site, c.key != "", r.Status, r.Body)
			}
		}
		// Signing in from the site itself works.
		visitor := s.browser()
		body := `{"email":"` + acme.email + `","password":"` + adminPassword + `"}`
		if r := visitor.postFrom("/auth/login", s.srv.URL, "same-origin", body, ""); r.Status != http.StatusOK {
			t.Fatalf("sign-in from the site: HTTP %d %s", r.Status, r.Body)
		}
		expectCode(t, visitor.postFrom("/auth/login", "https://evil.example", "cross-site", body, ""), http.StatusForbidden, "FORBIDDEN")
	})
}

// Without APIKEYS_CORS_ORIGINS no origin gets CORS headers (rs/cors reads an empty list
// as "every origin").
func TestNoCORSWithoutOrigins(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		for _, method := range []string{http.MethodOptions, http.MethodPost, http.MethodGet} {
			req, _ := http.NewRequest(method, s.srv.URL+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			for name := range res.Header {
				if strings.HasPrefix(name, "Access-Control-") {
					t.Errorf("%s from another origin without configured origins: %s: %v", method, name, res.Header[name])
				}
			}
		}
	})
}

// The admin app answers GET and HEAD on any path it routes; anything else on a path the
// server does not have is 404 with a JSON error, not the app's page with 200.
func TestUnknownEndpointsAreNotTheApp(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		c := s.browser()
		for _, p := range []string{"/credentials/unknown", "/auth/unknown", "/admin/company-settings/api-keys", "/graphql/x"} {
			r := c.postFrom(p, "", "", `{"credentials":[]}`, "")
			expectCode(t, r, http.StatusNotFound, "NOT_FOUND")
		}
		res, err := http.Get(s.srv.URL + "/admin/company-settings/api-keys")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET of an app page: HTTP %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}
