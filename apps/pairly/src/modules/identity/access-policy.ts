// Owns who may do what in pairly. Fans and creators sign themselves up; staff roles are granted by
// a superadmin. Finance moves money, moderators judge content, readonly sees but never changes.
import { defineAccessPolicy } from '@app/platform';

export const pairlyAccessPolicy = defineAccessPolicy({
  grants: {
    fan: ['posts:read', 'messages:own', 'calls:own', 'credits:own', 'subscriptions:own', 'profile:own'],
    creator: [
      'posts:read',
      'posts:write',
      'messages:own',
      'calls:own',
      'credits:own',
      'payouts:request',
      'profile:own',
    ],
    moderator: ['posts:read', 'moderation:*', 'users:read', 'audit:read'],
    finance: ['payouts:*', 'credits:read', 'transactions:read', 'users:read', 'audit:read'],
    readonly: ['users:read', 'posts:read', 'transactions:read', 'audit:read', 'metrics:read'],
    admin: [
      'users:*',
      'posts:*',
      'moderation:*',
      'payouts:read',
      'transactions:read',
      'audit:read',
      'metrics:read',
    ],
    superadmin: ['*'],
  },
  signupRoles: ['fan', 'creator'],
});
