import type { AuditEntryAction } from '../../gql/graphql';

/** Each audit action in words, in the order the Action filter lists them. */
export const auditActionLabels: Record<AuditEntryAction, string> = {
  API_KEY_CREATED: 'Created API key',
  API_KEY_ROTATED: 'Rotated API key',
  // A rename, new allowed networks, or both: the entry's detail says which.
  API_KEY_UPDATED: 'Updated API key',
  API_KEY_REVOKED: 'Revoked API key',
  API_KEY_EXPIRED: 'API key expired',
  API_KEY_REPORTED_LEAKED: 'API key reported leaked',
  KEY_POLICY_UPDATED: 'Updated key policy',
  USER_CREATED: 'Added user',
  USER_DELETED: 'Deleted user',
  USER_SIGNED_IN: 'Signed in',
  USER_SIGN_IN_FAILED: 'Failed sign-in',
  USER_SIGNED_OUT: 'Signed out',
  ORGANIZATION_CREATED: 'Created company',
  AUDIT_EXPORTED: 'Exported audit trail',
};

/** The API-key events, the ones the API Keys page's drawer shows. */
export const apiKeyActions: AuditEntryAction[] = ['API_KEY_CREATED', 'API_KEY_ROTATED', 'API_KEY_UPDATED', 'API_KEY_REVOKED', 'API_KEY_EXPIRED', 'API_KEY_REPORTED_LEAKED'];
