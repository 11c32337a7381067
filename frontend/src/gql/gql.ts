/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ApiKeyCounts {\n    apiKeyCounts {\n      active\n      revoked\n    }\n  }\n": typeof types.ApiKeyCountsDocument,
    "\n  mutation CreateApiKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  query ExpiringApiKeyCount($by: Time!) {\n    apiKeys(status: ACTIVE, where: { expiresAtLTE: $by }, first: 1) {\n      totalCount\n    }\n  }\n": typeof types.ExpiringApiKeyCountDocument,
    "\n  query KeyPolicy {\n    viewer {\n      id\n      organization {\n        id\n        keyPolicy {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n": typeof types.KeyPolicyDocument,
    "\n  mutation UpdateKeyPolicy($input: UpdateKeyPolicyInput!) {\n    updateKeyPolicy(input: $input) {\n      keyPolicy {\n        maxLifetimeDays\n        requireExpiry\n      }\n    }\n  }\n": typeof types.UpdateKeyPolicyDocument,
    "\n  mutation RotateApiKey($input: RotateAPIKeyInput!) {\n    rotateAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n      previousKey {\n        id\n        status\n        expiresAt\n      }\n    }\n  }\n": typeof types.RotateApiKeyDocument,
    "\n  mutation RenameApiKey($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n": typeof types.RenameApiKeyDocument,
    "\n  mutation RevokeApiKey($input: RevokeAPIKeyInput!) {\n    revokeAPIKey(input: $input) {\n      apiKey {\n        id\n        status\n        revokedAt\n        revokedByName\n      }\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query ApiKeys(\n    $status: APIKeyStatus!\n    $search: String\n    $where: APIKeyWhereInput\n    $orderBy: APIKeyOrder\n    $first: Int\n    $after: Cursor\n    $last: Int\n    $before: Cursor\n  ) {\n    apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...ApiKeysTable_ApiKey\n        }\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  fragment ApiKeysTable_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    serviceAccount {\n      id\n      role\n    }\n  }\n": typeof types.ApiKeysTable_ApiKeyFragmentDoc,
    "\n  fragment KeyDetails_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    recentClients {\n      address\n      userAgent\n      lastSeenAt\n    }\n    serviceAccount {\n      id\n      role\n    }\n  }\n": typeof types.KeyDetails_ApiKeyFragmentDoc,
    "\n  query KeyDetails($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on APIKey {\n        ...KeyDetails_ApiKey\n      }\n    }\n  }\n": typeof types.KeyDetailsDocument,
    "\n  mutation UpdateAllowedNetworks($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        allowedNetworks\n      }\n    }\n  }\n": typeof types.UpdateAllowedNetworksDocument,
    "\n  fragment AuditEntryList_Entry on AuditEntry {\n    id\n    action\n    actorKind\n    actorName\n    actorDeleted\n    targetKind\n    targetName\n    targetMaskedKey\n    metadata\n    createdAt\n    sequence\n    hash\n    ip\n    userAgent\n  }\n": typeof types.AuditEntryList_EntryFragmentDoc,
    "\n  query VerifyAuditTrail {\n    verifyAuditTrail {\n      ok\n      entriesChecked\n      headSequence\n      headHash\n      firstBrokenSequence\n      problemKind\n      problem\n    }\n  }\n": typeof types.VerifyAuditTrailDocument,
    "\n  query AuditFilterPeople($after: Cursor) {\n    users(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AuditFilterPeopleDocument,
    "\n  query AuditFilterKeys($after: Cursor) {\n    apiKeys(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          maskedKey\n          status\n          serviceAccount {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AuditFilterKeysDocument,
    "\n  query AuditTrail($first: Int!, $after: Cursor, $where: AuditEntryWhereInput) {\n    auditEntries(first: $first, after: $after, where: $where) {\n      edges {\n        node {\n          id\n          ...AuditEntryList_Entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditTrailDocument,
    "\n  query UsersPage($after: Cursor) {\n    users(first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...UsersTable_User\n        }\n      }\n    }\n  }\n": typeof types.UsersPageDocument,
    "\n  mutation UsersPage_CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user {\n        id\n        name\n      }\n    }\n  }\n": typeof types.UsersPage_CreateUserDocument,
    "\n  mutation UsersPage_DeleteUser($input: DeleteUserInput!) {\n    deleteUser(input: $input) {\n      deletedUserId\n    }\n  }\n": typeof types.UsersPage_DeleteUserDocument,
    "\n  fragment UsersTable_User on User {\n    id\n    name\n    email\n    role\n    createdAt\n  }\n": typeof types.UsersTable_UserFragmentDoc,
    "\n  subscription ApiKeyEvents {\n    apiKeyEvents {\n      kind\n      apiKey {\n        id\n        name\n        maskedKey\n        status\n      }\n      counts {\n        active\n        revoked\n      }\n    }\n  }\n": typeof types.ApiKeyEventsDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      user {\n        id\n      }\n      kind\n      name\n      role\n      canManageKeys\n      organization {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  query ApiKeyCounts {\n    apiKeyCounts {\n      active\n      revoked\n    }\n  }\n": types.ApiKeyCountsDocument,
    "\n  mutation CreateApiKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  query ExpiringApiKeyCount($by: Time!) {\n    apiKeys(status: ACTIVE, where: { expiresAtLTE: $by }, first: 1) {\n      totalCount\n    }\n  }\n": types.ExpiringApiKeyCountDocument,
    "\n  query KeyPolicy {\n    viewer {\n      id\n      organization {\n        id\n        keyPolicy {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n": types.KeyPolicyDocument,
    "\n  mutation UpdateKeyPolicy($input: UpdateKeyPolicyInput!) {\n    updateKeyPolicy(input: $input) {\n      keyPolicy {\n        maxLifetimeDays\n        requireExpiry\n      }\n    }\n  }\n": types.UpdateKeyPolicyDocument,
    "\n  mutation RotateApiKey($input: RotateAPIKeyInput!) {\n    rotateAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n      previousKey {\n        id\n        status\n        expiresAt\n      }\n    }\n  }\n": types.RotateApiKeyDocument,
    "\n  mutation RenameApiKey($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n": types.RenameApiKeyDocument,
    "\n  mutation RevokeApiKey($input: RevokeAPIKeyInput!) {\n    revokeAPIKey(input: $input) {\n      apiKey {\n        id\n        status\n        revokedAt\n        revokedByName\n      }\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query ApiKeys(\n    $status: APIKeyStatus!\n    $search: String\n    $where: APIKeyWhereInput\n    $orderBy: APIKeyOrder\n    $first: Int\n    $after: Cursor\n    $last: Int\n    $before: Cursor\n  ) {\n    apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...ApiKeysTable_ApiKey\n        }\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  fragment ApiKeysTable_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    serviceAccount {\n      id\n      role\n    }\n  }\n": types.ApiKeysTable_ApiKeyFragmentDoc,
    "\n  fragment KeyDetails_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    recentClients {\n      address\n      userAgent\n      lastSeenAt\n    }\n    serviceAccount {\n      id\n      role\n    }\n  }\n": types.KeyDetails_ApiKeyFragmentDoc,
    "\n  query KeyDetails($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on APIKey {\n        ...KeyDetails_ApiKey\n      }\n    }\n  }\n": types.KeyDetailsDocument,
    "\n  mutation UpdateAllowedNetworks($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        allowedNetworks\n      }\n    }\n  }\n": types.UpdateAllowedNetworksDocument,
    "\n  fragment AuditEntryList_Entry on AuditEntry {\n    id\n    action\n    actorKind\n    actorName\n    actorDeleted\n    targetKind\n    targetName\n    targetMaskedKey\n    metadata\n    createdAt\n    sequence\n    hash\n    ip\n    userAgent\n  }\n": types.AuditEntryList_EntryFragmentDoc,
    "\n  query VerifyAuditTrail {\n    verifyAuditTrail {\n      ok\n      entriesChecked\n      headSequence\n      headHash\n      firstBrokenSequence\n      problemKind\n      problem\n    }\n  }\n": types.VerifyAuditTrailDocument,
    "\n  query AuditFilterPeople($after: Cursor) {\n    users(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AuditFilterPeopleDocument,
    "\n  query AuditFilterKeys($after: Cursor) {\n    apiKeys(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          maskedKey\n          status\n          serviceAccount {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AuditFilterKeysDocument,
    "\n  query AuditTrail($first: Int!, $after: Cursor, $where: AuditEntryWhereInput) {\n    auditEntries(first: $first, after: $after, where: $where) {\n      edges {\n        node {\n          id\n          ...AuditEntryList_Entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditTrailDocument,
    "\n  query UsersPage($after: Cursor) {\n    users(first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...UsersTable_User\n        }\n      }\n    }\n  }\n": types.UsersPageDocument,
    "\n  mutation UsersPage_CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user {\n        id\n        name\n      }\n    }\n  }\n": types.UsersPage_CreateUserDocument,
    "\n  mutation UsersPage_DeleteUser($input: DeleteUserInput!) {\n    deleteUser(input: $input) {\n      deletedUserId\n    }\n  }\n": types.UsersPage_DeleteUserDocument,
    "\n  fragment UsersTable_User on User {\n    id\n    name\n    email\n    role\n    createdAt\n  }\n": types.UsersTable_UserFragmentDoc,
    "\n  subscription ApiKeyEvents {\n    apiKeyEvents {\n      kind\n      apiKey {\n        id\n        name\n        maskedKey\n        status\n      }\n      counts {\n        active\n        revoked\n      }\n    }\n  }\n": types.ApiKeyEventsDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      user {\n        id\n      }\n      kind\n      name\n      role\n      canManageKeys\n      organization {\n        id\n        name\n      }\n    }\n  }\n": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeyCounts {\n    apiKeyCounts {\n      active\n      revoked\n    }\n  }\n"): (typeof documents)["\n  query ApiKeyCounts {\n    apiKeyCounts {\n      active\n      revoked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExpiringApiKeyCount($by: Time!) {\n    apiKeys(status: ACTIVE, where: { expiresAtLTE: $by }, first: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query ExpiringApiKeyCount($by: Time!) {\n    apiKeys(status: ACTIVE, where: { expiresAtLTE: $by }, first: 1) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyPolicy {\n    viewer {\n      id\n      organization {\n        id\n        keyPolicy {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyPolicy {\n    viewer {\n      id\n      organization {\n        id\n        keyPolicy {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateKeyPolicy($input: UpdateKeyPolicyInput!) {\n    updateKeyPolicy(input: $input) {\n      keyPolicy {\n        maxLifetimeDays\n        requireExpiry\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateKeyPolicy($input: UpdateKeyPolicyInput!) {\n    updateKeyPolicy(input: $input) {\n      keyPolicy {\n        maxLifetimeDays\n        requireExpiry\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateApiKey($input: RotateAPIKeyInput!) {\n    rotateAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n      previousKey {\n        id\n        status\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateApiKey($input: RotateAPIKeyInput!) {\n    rotateAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n      previousKey {\n        id\n        status\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameApiKey($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RenameApiKey($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($input: RevokeAPIKeyInput!) {\n    revokeAPIKey(input: $input) {\n      apiKey {\n        id\n        status\n        revokedAt\n        revokedByName\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($input: RevokeAPIKeyInput!) {\n    revokeAPIKey(input: $input) {\n      apiKey {\n        id\n        status\n        revokedAt\n        revokedByName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys(\n    $status: APIKeyStatus!\n    $search: String\n    $where: APIKeyWhereInput\n    $orderBy: APIKeyOrder\n    $first: Int\n    $after: Cursor\n    $last: Int\n    $before: Cursor\n  ) {\n    apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...ApiKeysTable_ApiKey\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys(\n    $status: APIKeyStatus!\n    $search: String\n    $where: APIKeyWhereInput\n    $orderBy: APIKeyOrder\n    $first: Int\n    $after: Cursor\n    $last: Int\n    $before: Cursor\n  ) {\n    apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...ApiKeysTable_ApiKey\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeysTable_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    serviceAccount {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeysTable_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    serviceAccount {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment KeyDetails_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    recentClients {\n      address\n      userAgent\n      lastSeenAt\n    }\n    serviceAccount {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  fragment KeyDetails_ApiKey on APIKey {\n    id\n    name\n    maskedKey\n    status\n    createdAt\n    createdByName\n    createdByKind\n    lastUsedAt\n    expiresAt\n    revokedAt\n    revocationReason\n    revokedByName\n    revokedByKind\n    allowedNetworks\n    recentClients {\n      address\n      userAgent\n      lastSeenAt\n    }\n    serviceAccount {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyDetails($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on APIKey {\n        ...KeyDetails_ApiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyDetails($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on APIKey {\n        ...KeyDetails_ApiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAllowedNetworks($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        allowedNetworks\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAllowedNetworks($input: UpdateAPIKeyInput!) {\n    updateAPIKey(input: $input) {\n      apiKey {\n        id\n        allowedNetworks\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryList_Entry on AuditEntry {\n    id\n    action\n    actorKind\n    actorName\n    actorDeleted\n    targetKind\n    targetName\n    targetMaskedKey\n    metadata\n    createdAt\n    sequence\n    hash\n    ip\n    userAgent\n  }\n"): (typeof documents)["\n  fragment AuditEntryList_Entry on AuditEntry {\n    id\n    action\n    actorKind\n    actorName\n    actorDeleted\n    targetKind\n    targetName\n    targetMaskedKey\n    metadata\n    createdAt\n    sequence\n    hash\n    ip\n    userAgent\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VerifyAuditTrail {\n    verifyAuditTrail {\n      ok\n      entriesChecked\n      headSequence\n      headHash\n      firstBrokenSequence\n      problemKind\n      problem\n    }\n  }\n"): (typeof documents)["\n  query VerifyAuditTrail {\n    verifyAuditTrail {\n      ok\n      entriesChecked\n      headSequence\n      headHash\n      firstBrokenSequence\n      problemKind\n      problem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditFilterPeople($after: Cursor) {\n    users(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditFilterPeople($after: Cursor) {\n    users(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditFilterKeys($after: Cursor) {\n    apiKeys(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          maskedKey\n          status\n          serviceAccount {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditFilterKeys($after: Cursor) {\n    apiKeys(first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          maskedKey\n          status\n          serviceAccount {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditTrail($first: Int!, $after: Cursor, $where: AuditEntryWhereInput) {\n    auditEntries(first: $first, after: $after, where: $where) {\n      edges {\n        node {\n          id\n          ...AuditEntryList_Entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditTrail($first: Int!, $after: Cursor, $where: AuditEntryWhereInput) {\n    auditEntries(first: $first, after: $after, where: $where) {\n      edges {\n        node {\n          id\n          ...AuditEntryList_Entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersPage($after: Cursor) {\n    users(first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...UsersTable_User\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersPage($after: Cursor) {\n    users(first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          ...UsersTable_User\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UsersPage_CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UsersPage_CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UsersPage_DeleteUser($input: DeleteUserInput!) {\n    deleteUser(input: $input) {\n      deletedUserId\n    }\n  }\n"): (typeof documents)["\n  mutation UsersPage_DeleteUser($input: DeleteUserInput!) {\n    deleteUser(input: $input) {\n      deletedUserId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UsersTable_User on User {\n    id\n    name\n    email\n    role\n    createdAt\n  }\n"): (typeof documents)["\n  fragment UsersTable_User on User {\n    id\n    name\n    email\n    role\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ApiKeyEvents {\n    apiKeyEvents {\n      kind\n      apiKey {\n        id\n        name\n        maskedKey\n        status\n      }\n      counts {\n        active\n        revoked\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ApiKeyEvents {\n    apiKeyEvents {\n      kind\n      apiKey {\n        id\n        name\n        maskedKey\n        status\n      }\n      counts {\n        active\n        revoked\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      user {\n        id\n      }\n      kind\n      name\n      role\n      canManageKeys\n      organization {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      user {\n        id\n      }\n      kind\n      name\n      role\n      canManageKeys\n      organization {\n        id\n        name\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;