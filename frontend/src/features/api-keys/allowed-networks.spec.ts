import { describe, expect, it } from 'vitest';
import { formatNetworks, parseNetworks, sameNetworks } from './allowed-networks';

describe('allowed networks as text', () => {
  it('reads one entry a line, or separated by commas or spaces, trimmed, without empty ones', () => {
    expect(parseNetworks('203.0.113.0/24\n2001:db8::/32')).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(parseNetworks(' 10.0.0.0/8,192.0.2.7 ,, 2001:db8::1\r\n\n\t198.51.100.0/24 ')).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::1', '198.51.100.0/24']);
    // What is not an address is the server's to refuse, naming it.
    expect(parseNetworks('10.0.0.300 localhost')).toEqual(['10.0.0.300', 'localhost']);
  });

  it('reads empty text as any address', () => {
    expect(parseNetworks('')).toEqual([]);
    expect(parseNetworks(' \n , \n')).toEqual([]);
  });

  it('writes a key’s networks one a line, which reads back the same', () => {
    const networks = ['203.0.113.0/24', '2001:db8::/32'];
    expect(formatNetworks(networks)).toBe('203.0.113.0/24\n2001:db8::/32');
    expect(sameNetworks(parseNetworks(formatNetworks(networks)), networks)).toBe(true);
    expect(formatNetworks([])).toBe('');
  });

  it('tells a changed list from the same one', () => {
    expect(sameNetworks([], [])).toBe(true);
    expect(sameNetworks(['10.0.0.0/8'], [])).toBe(false);
    expect(sameNetworks(['10.0.0.0/8', '192.0.2.7/32'], ['10.0.0.0/8'])).toBe(false);
  });
});
