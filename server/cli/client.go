package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// defaultURL is the server of `make run`.
const defaultURL = "http://127.0.0.1:8080"

// requestTimeout bounds each request, so that a server that stopped answering ends the
// command (exit 1) instead of hanging a script.
const requestTimeout = 30 * time.Second

// client returns the typed client of the server at APIKEYS_URL, authenticated with the
// key in APIKEYS_TOKEN. A missing key or an unusable URL is exit code 2, like a usage
// error: nothing was asked of the server.
func (s *session) client() (graphql.Client, error) {
	token := strings.TrimSpace(s.getenv("APIKEYS_TOKEN"))
	if token == "" {
		return nil, setupf("APIKEYS_TOKEN is not set: set it to an ADMIN or VIEWER API key (gak_…)")
	}
	endpoint, err := graphqlEndpoint(s.getenv("APIKEYS_URL"))
	if err != nil {
		return nil, err
	}
	if endpoint.Scheme == "http" && !loopback(endpoint.Hostname()) {
		fmt.Fprintf(s.stderr, "apikeys: warning: APIKEYS_URL is plain http: the key crosses the network unencrypted to %s\n", endpoint.Host)
	}
	return graphql.NewClient(endpoint.String(), &http.Client{
		Transport: bearer{token: token, next: http.DefaultTransport},
		Timeout:   requestTimeout,
		// A redirected POST would be sent again as a GET, or the key to another place:
		// answer with the redirect instead (describe names where it points).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}), nil
}

// graphqlEndpoint is the GraphQL URL of the server at base (APIKEYS_URL, default
// http://127.0.0.1:8080): base + /graphql, unless base names /graphql itself.
func graphqlEndpoint(base string) (*url.URL, error) {
	if base = strings.TrimSpace(base); base == "" {
		base = defaultURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, setupf("APIKEYS_URL %q is not an http:// or https:// URL of the server", base)
	}
	if !strings.HasSuffix(u.Path, "/graphql") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/graphql"
	}
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// bearer sends the key with every request. It is the only place that holds the key.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
	req.Header.Set("User-Agent", "apikeys-cli")
	return b.next.RoundTrip(req)
}

// describe turns an error of a request into the lines of standard error: the GraphQL
// errors' codes and messages ("FORBIDDEN: only admins may create keys"), or what went
// wrong with HTTP or the network.
func describe(err error) []string {
	var (
		httpErr   *graphql.HTTPError
		list      gqlerror.List
		urlErr    *url.Error
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &httpErr):
		if lines := graphqlErrors(httpErr.Response.Errors); lines != nil {
			return lines
		}
		return []string{fmt.Sprintf("HTTP %d %s: %s", httpErr.StatusCode, http.StatusText(httpErr.StatusCode), answerText(httpErr.Response.Errors))}
	case errors.As(err, &list):
		if lines := graphqlErrors(list); lines != nil {
			return lines
		}
		return []string{list.Error()}
	case errors.As(err, &syntaxErr):
		return []string{"the answer is not GraphQL's JSON (is APIKEYS_URL the apikeys server?): " + err.Error()}
	case errors.As(err, &urlErr):
		return []string{fmt.Sprintf("cannot reach the server at %s (APIKEYS_URL): %v", urlErr.URL, urlErr.Err)}
	default:
		return []string{err.Error()}
	}
}

// graphqlErrors is a line per error that carries extensions.code, or nil when none
// does (the answer was not the server's GraphQL).
func graphqlErrors(errs gqlerror.List) []string {
	var lines []string
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			continue
		}
		line := code + ": " + e.Message
		if field, _ := e.Extensions["field"].(string); field != "" {
			line += " (" + field + ")"
		}
		if code == "UNAUTHENTICATED" {
			line += "; is APIKEYS_TOKEN an active key of this server?"
		}
		lines = append(lines, line)
	}
	return lines
}

// answerText is the start of an answer that is not the server's GraphQL (a proxy's
// error page, another program on the port), on one line.
func answerText(errs gqlerror.List) string {
	var text string
	if len(errs) > 0 {
		text = errs[0].Message
	}
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 200 {
		text = string(r[:200]) + "…"
	}
	if text == "" {
		return "an empty answer; is APIKEYS_URL the apikeys server?"
	}
	return text + " (is APIKEYS_URL the apikeys server?)"
}
