package keys

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"apikeys/ent/problem"
)

// MaxNetworks is the most networks one key may be restricted to.
const MaxNetworks = 100

// ParseNetworks validates and normalizes a key's allowed networks: IPv4 and IPv6 CIDRs
// or single addresses ("203.0.113.7" is 203.0.113.7/32), the address masked to its
// prefix ("10.1.2.3/8" is 10.0.0.0/8), IPv4-mapped IPv6 as IPv4, sorted, without
// duplicates. A bad entry is BAD_USER_INPUT on allowedNetworks naming it. Empty: any
// address (nil).
func ParseNetworks(in []string) ([]string, error) {
	if len(in) > MaxNetworks {
		return nil, problem.Input("allowedNetworks", fmt.Sprintf("at most %d networks", MaxNetworks))
	}
	var out []string
	for _, raw := range in {
		p, err := ParseNetwork(raw)
		if err != nil {
			return nil, problem.Input("allowedNetworks", fmt.Sprintf("%q is not an IP address or a CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32)", raw))
		}
		out = append(out, p.String())
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ParseNetwork parses one allowed network as ParseNetworks does.
func ParseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("not an address: %q", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		bits := p.Bits() - 96
		if bits < 0 {
			return netip.Prefix{}, fmt.Errorf("an IPv4-mapped prefix shorter than /96: %q", s)
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), bits)
	}
	return p.Masked(), nil
}
