import { API_KEY_PERMISSIONS, API_KEY_ROLES } from '@switchboard/contracts';

export const PERMISSIONS = API_KEY_PERMISSIONS;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = API_KEY_ROLES;

export type Role = (typeof ROLES)[number];

const READ_PERMISSIONS = PERMISSIONS.filter(
  (permission) => permission.endsWith(':read') && permission !== 'audit-log:read',
);

/**
 * The one policy table: what each role may do. Every route of the public API names the one
 * permission it needs (RequirePermission, next to the handler); a key holds a role's permissions
 * or an explicit list. The route × role test checks the served API against this table.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  // Runs the tenant but does not read the trail of its own actions: that is for owners and auditors.
  admin: PERMISSIONS.filter((permission) => permission !== 'audit-log:read'),
  // Shapes what is sent; sends nothing and reads no personal data.
  editor: [
    'templates:read',
    'templates:write',
    'message-types:read',
    'message-types:write',
    'triggers:read',
    'triggers:write',
    'sending-settings:read',
  ],
  // A system that sends: its messages, the recipients it sends to and their inbox tokens.
  sender: [
    'messages:send',
    'messages:read',
    'messages:cancel',
    'schedules:read',
    'schedules:write',
    'recipients:read',
    'recipients:write',
    'inbox-tokens:issue',
    'templates:read',
    'message-types:read',
  ],
  viewer: READ_PERMISSIONS,
  auditor: ['audit-log:read'],
};

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What an API key is allowed: its role's permissions, or its own list when it has no role. */
export function permissionsOf(grant: {
  role: Role | null;
  scopes: readonly Permission[] | null;
}): ReadonlySet<Permission> {
  return new Set(grant.role === null ? (grant.scopes ?? []) : ROLE_PERMISSIONS[grant.role]);
}
