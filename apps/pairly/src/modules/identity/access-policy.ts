// Owns who may do what in pairly. Fans and creators sign themselves up; staff roles are granted by
// a superadmin. Finance moves money, moderators judge content, readonly sees but never changes.
// Credits: `credits:own` is one's own balance and history; `credits:read` any user's;
// `credits:adjust` grants, deducts, moves, freezes and resolves holds (finance only, audited).
// Payments: `payments:own` is one's own orders; finance holds `payments:*` (reviews of refunded or
// disputed accounts, reconciliation findings); admins and readonly staff may read them.
// Promo codes are managed by finance and admins (who cannot redeem them: no staff self-grants); gifts held for review are judged by them too.
import { defineAccessPolicy } from '@app/platform';

export const pairlyAccessPolicy = defineAccessPolicy({
  grants: {
    fan: [
      'posts:read',
      'messages:own',
      'calls:own',
      'credits:own',
      'gifts:send',
      'promotions:redeem',
      'subscriptions:own',
      'profile:own',
      'payments:own',
    ],
    creator: [
      'posts:read',
      'posts:write',
      'messages:own',
      'calls:own',
      'credits:own',
      'gifts:send',
      'promotions:redeem',
      'payouts:request',
      'profile:own',
      'payments:own',
    ],
    moderator: ['posts:read', 'moderation:*', 'users:read', 'audit:read'],
    finance: [
      'payouts:*',
      'payments:*',
      'credits:read',
      'credits:adjust',
      'promotions:manage',
      'promotions:read',
      'gifts:review',
      'transactions:read',
      'users:read',
      'audit:read',
    ],
    readonly: [
      'users:read',
      'posts:read',
      'credits:read',
      'promotions:read',
      'transactions:read',
      'payments:read',
      'audit:read',
      'metrics:read',
    ],
    admin: [
      'users:*',
      'posts:*',
      'moderation:*',
      'payouts:read',
      'payments:read',
      'credits:read',
      'promotions:manage',
      'promotions:read',
      'gifts:review',
      'transactions:read',
      'audit:read',
      'metrics:read',
    ],
    superadmin: ['*'],
  },
  signupRoles: ['fan', 'creator'],
});
