// Package clientaddr finds each request's client address once, for the limits, the key
// allowlists and the audit trail alike.
package clientaddr

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"apikeys/ent/audit"
)

// Middleware puts the client's address in each request's context with the user agent,
// for Of and for the audit entries recorded in it (audit.WithRequest): the peer's address,
// unless the peer is one of the trusted proxies (APIKEYS_TRUSTED_PROXIES); then
// X-Forwarded-For is read right to left, skipping trusted proxies, and the first address
// that is not one is the client. From any other peer the header is ignored: anyone can
// send it.
func Middleware(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			addr := find(r, trusted)
			next.ServeHTTP(w, r.WithContext(audit.WithRequest(r.Context(), audit.Request{IP: addr, UserAgent: r.UserAgent()})))
		})
	}
}

// Of is the client's address found by Middleware, or the peer's.
func Of(r *http.Request) string {
	if req, ok := audit.RequestFrom(r.Context()); ok {
		return req.IP
	}
	return peer(r).String()
}

// Allowed reports whether the address ip is within one of networks (none: any address).
func Allowed(networks []netip.Prefix, ip string) bool {
	if len(networks) == 0 {
		return true
	}
	a, err := netip.ParseAddr(ip)
	return err == nil && within(networks, a.Unmap())
}

func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func find(r *http.Request, trusted []netip.Prefix) string {
	addr := peer(r)
	if !within(trusted, addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed entry: nothing left of it can be trusted
		}
		addr = hop.Unmap()
		if !within(trusted, addr) {
			break
		}
	}
	return addr.String()
}

func within(networks []netip.Prefix, a netip.Addr) bool {
	for _, n := range networks {
		if n.Contains(a) {
			return true
		}
	}
	return false
}
