import { z } from 'zod';
import { Timestamp } from '../common';

/**
 * What an API key may do, one permission per route of the public API. Roles are named bundles
 * of them; the gateway holds which role has which (its one policy table).
 */
export const API_KEY_PERMISSIONS = [
  'messages:send',
  'messages:read',
  'messages:cancel',
  'schedules:read',
  'schedules:write',
  'templates:read',
  'templates:write',
  'message-types:read',
  'message-types:write',
  'triggers:read',
  'triggers:write',
  'sending-settings:read',
  'sending-settings:write',
  'recipients:read',
  'recipients:write',
  'recipients:export',
  'recipients:erase',
  'inbox-tokens:issue',
  'suppressions:read',
  'suppressions:write',
  'dead-letters:read',
  'dead-letters:redrive',
  'api-keys:read',
  'api-keys:write',
  'audit-log:read',
] as const;

export const API_KEY_ROLES = ['owner', 'admin', 'editor', 'sender', 'viewer', 'auditor'] as const;

export const ApiKeyPermission = z.enum(API_KEY_PERMISSIONS);
export const ApiKeyRole = z.enum(API_KEY_ROLES);

export const ApiKeyId = z.uuid();

const ApiKeyName = z.string().trim().min(1).max(200);

/** Shortest overlap of a rotation is none (the old key stops at once); the longest a month. */
const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 3600;

/** POST /v1/api-keys: a role, or an explicit list of permissions; optionally an expiry. */
export const CreateApiKeyRequest = z
  .strictObject({
    name: ApiKeyName.describe('Who uses the key, e.g. "billing system", so it can be found and revoked'),
    role: ApiKeyRole.optional(),
    scopes: z.array(ApiKeyPermission).min(1).max(API_KEY_PERMISSIONS.length).optional(),
    expiresAt: Timestamp.optional().describe('When the key stops working; never when absent'),
  })
  .superRefine((request, context) => {
    if ((request.role === undefined) === (request.scopes === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['role'],
        message: 'give either a role or scopes (a list of permissions), not both and not neither',
      });
    }
    if (request.expiresAt !== undefined && Date.parse(request.expiresAt) <= Date.now()) {
      context.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be in the future' });
    }
  });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** POST /v1/api-keys/{id}/rotate: how long the old key keeps working beside its replacement. */
export const RotateApiKeyRequest = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_ROTATION_OVERLAP_SECONDS)
    .default(24 * 3600)
    .describe('Seconds the old key keeps working (default one day), so callers can switch over'),
});
export type RotateApiKeyRequest = z.infer<typeof RotateApiKeyRequest>;

/** A key as listed: never the key itself, which is shown once when it is made. */
export const ApiKeyView = z.strictObject({
  id: ApiKeyId,
  name: z.string(),
  prefix: z
    .string()
    .nullable()
    .describe(
      'The first characters of the key, to recognise it; null for keys made before prefixes were kept',
    ),
  role: ApiKeyRole.nullable(),
  scopes: z.array(ApiKeyPermission).nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable().describe('Recorded within about a minute of use'),
  revokedAt: Timestamp.nullable(),
  rotatedTo: ApiKeyId.nullable().describe('The key that replaced this one, when it was rotated'),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** Answer to creating or rotating a key: the key itself, shown this once. */
export const CreatedApiKey = ApiKeyView.extend({
  key: z.string().describe('The API key; it is not stored and is not shown again'),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = z.strictObject({ apiKeys: z.array(ApiKeyView) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;
