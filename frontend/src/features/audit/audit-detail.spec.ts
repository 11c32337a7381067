import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../lib/format';
import { auditDetail } from './audit-detail';

describe('auditDetail', () => {
  it('gives a rename as old → new, without control characters', () => {
    expect(auditDetail('API_KEY_UPDATED', { name: { old: 'ERP Sync', new: 'ERP Sync (Production)' } })).toBe('ERP Sync → ERP Sync (Production)');
    expect(auditDetail('API_KEY_UPDATED', { name: { old: '\u202Egnp.exe', new: 'Clean' } })).toBe('gnp.exe → Clean');
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
  });

  it('has nothing to say about other actions, or metadata it does not understand', () => {
    expect(auditDetail('USER_SIGNED_IN', {})).toBeNull();
    expect(auditDetail('API_KEY_UPDATED', null)).toBeNull();
    expect(auditDetail('API_KEY_UPDATED', { name: 'x' })).toBeNull();
    expect(auditDetail('KEY_POLICY_UPDATED', [])).toBeNull();
  });
});
