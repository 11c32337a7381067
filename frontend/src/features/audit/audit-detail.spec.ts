import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../lib/format';
import { auditDetail } from './audit-detail';

describe('auditDetail', () => {
  it('gives a rename as old → new, without control characters', () => {
    expect(auditDetail('API_KEY_UPDATED', { name: { old: 'ERP Sync', new: 'ERP Sync (Production)' } })).toBe('ERP Sync → ERP Sync (Production)');
    expect(auditDetail('API_KEY_UPDATED', { name: { old: '\u202Egnp.exe', new: 'Clean' } })).toBe('gnp.exe → Clean');
  });

  it('says how a key’s allowed networks changed, "any address" for none, beside a rename', () => {
    expect(auditDetail('API_KEY_UPDATED', { allowedNetworks: { old: [], new: ['203.0.113.0/24', '2001:db8::/32'] } })).toBe(
      'Allowed networks: any address → 203.0.113.0/24, 2001:db8::/32',
    );
    expect(auditDetail('API_KEY_UPDATED', { allowedNetworks: { old: ['10.0.0.0/8'], new: [] } })).toBe('Allowed networks: 10.0.0.0/8 → any address');
    expect(auditDetail('API_KEY_UPDATED', { name: { old: 'ERP', new: 'ERP (Prod)' }, allowedNetworks: { old: [], new: ['10.0.0.0/8'] } })).toBe(
      'ERP → ERP (Prod); Allowed networks: any address → 10.0.0.0/8',
    );
    expect(auditDetail('API_KEY_UPDATED', { allowedNetworks: { old: 'x', new: [1] } })).toBeNull();
  });

  it('says a key ended with its rotation overlap, and nothing more for a plain expiry', () => {
    expect(auditDetail('API_KEY_EXPIRED', { reason: 'ROTATED', expiresAt: '2026-03-12T15:05:00Z' })).toBe('(rotation overlap ended)');
    expect(auditDetail('API_KEY_EXPIRED', { reason: 'EXPIRED', expiresAt: '2026-03-12T15:05:00Z' })).toBeNull();
  });

  it('names a rotation’s new key and until when the old one works', () => {
    expect(auditDetail('API_KEY_ROTATED', { newKeyId: 'k2', newMaskedKey: 'gak_…Nw4x', previousKeyExpiresAt: null })).toBe(
      'New key gak_…Nw4x; the old key stopped at once',
    );
    expect(auditDetail('API_KEY_ROTATED', { newMaskedKey: 'gak_…Nw4x', previousKeyExpiresAt: '2026-03-12T15:05:00Z' })).toBe(
      `New key gak_…Nw4x; the old key works until ${formatDateTime('2026-03-12T15:05:00Z')}`,
    );
  });

  it('lists what a policy change changed', () => {
    expect(auditDetail('KEY_POLICY_UPDATED', { maxLifetimeDays: { old: null, new: 90 }, requireExpiry: { old: false, new: true } })).toBe(
      'Maximum lifetime: no limit → 90 days; expiration required: no → yes',
    );
    expect(auditDetail('KEY_POLICY_UPDATED', { maxLifetimeDays: { old: 90, new: 90 }, requireExpiry: { old: true, new: false } })).toBe(
      'Expiration required: yes → no',
    );
  });

  it('says when a created key expires', () => {
    expect(auditDetail('API_KEY_CREATED', { expiresAt: '2026-04-11T14:05:00Z' })).toBe(`Expires ${formatDateTime('2026-04-11T14:05:00Z')}`);
    expect(auditDetail('API_KEY_CREATED', {})).toBeNull();
    expect(auditDetail('API_KEY_CREATED', { allowedNetworks: ['192.0.2.7/32'] })).toBe('Allowed networks: 192.0.2.7/32');
    expect(auditDetail('API_KEY_CREATED', { expiresAt: '2026-04-11T14:05:00Z', allowedNetworks: ['192.0.2.7/32'] })).toBe(
      `Expires ${formatDateTime('2026-04-11T14:05:00Z')}; Allowed networks: 192.0.2.7/32`,
    );
  });

  it('says what an export of the trail held: its format and filter, or the whole trail', () => {
    expect(auditDetail('AUDIT_EXPORTED', { format: 'ndjson' })).toBe('NDJSON export of the whole trail');
    expect(auditDetail('AUDIT_EXPORTED', { format: 'csv', filter: { action: ['API_KEY_CREATED', 'API_KEY_REVOKED'], from: '2026-12-01T00:00:00Z' } })).toBe(
      'CSV export, filtered by action: Created API key, Revoked API key; from 2026-12-01',
    );
    // A day's end is the start of the next day: shown as the last day included, as it was chosen.
    expect(
      auditDetail('AUDIT_EXPORTED', {
        format: 'csv',
        filter: { actor: 'usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X', target: 'key_01JD3Q8ZAAAAAAAAAAAAAAAAAA', from: '2026-12-01T00:00:00Z', to: '2026-12-03T00:00:00Z' },
      }),
    ).toBe('CSV export, filtered by actor usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X; target key_01JD3Q8ZAAAAAAAAAAAAAAAAAA; from 2026-12-01; to 2026-12-02');
    // Moments (an API client's RFC 3339 filter) read as moments.
    expect(auditDetail('AUDIT_EXPORTED', { format: 'ndjson', filter: { from: '2026-12-01T09:30:00Z', to: '2026-12-01T17:00:00Z' } })).toBe(
      `NDJSON export, filtered by from ${formatDateTime('2026-12-01T09:30:00Z')}; before ${formatDateTime('2026-12-01T17:00:00Z')}`,
    );
    // An action this app does not know yet is named as the server wrote it; nonsense is left out.
    expect(auditDetail('AUDIT_EXPORTED', { format: 'csv', filter: { action: ['SOMETHING_NEW', 7], from: 'yesterday' } })).toBe(
      'CSV export, filtered by action: SOMETHING_NEW',
    );
    expect(auditDetail('AUDIT_EXPORTED', { filter: {} })).toBeNull();
  });

  it('has nothing to say about other actions, or metadata it does not understand', () => {
    expect(auditDetail('USER_SIGNED_IN', {})).toBeNull();
    expect(auditDetail('API_KEY_UPDATED', null)).toBeNull();
    expect(auditDetail('API_KEY_UPDATED', { name: 'x' })).toBeNull();
    expect(auditDetail('KEY_POLICY_UPDATED', [])).toBeNull();
  });
});
