// Pairly's real access policy (item 21): the roles and grants below are the product's intent,
// written out by hand, so that widening a grant or opening a staff role to sign-up fails here. The
// probes are the guarded routes pairly serves today; each module adds its own as it lands.
import { describeAccessMatrix } from '@app/platform/testing';
import { pairlyApp } from '../../src/app.js';
import { pairlyAccessPolicy } from '../../src/modules/identity/access-policy.js';

const someUser = '00000000-0000-4000-8000-0000000000aa';

describeAccessMatrix('pairly', {
  app: pairlyApp,
  policy: pairlyAccessPolicy,
  expectedSignupRoles: ['fan', 'creator'],
  expectedGrants: {
    fan: [
      'posts:read',
      'messages:own',
      'calls:own',
      'credits:own',
      'gifts:send',
      'promotions:redeem',
      'subscriptions:own',
      'profile:own',
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
    ],
    moderator: ['posts:read', 'moderation:*', 'users:read', 'audit:read'],
    finance: [
      'payouts:*',
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
      'audit:read',
      'metrics:read',
    ],
    admin: [
      'users:*',
      'posts:*',
      'moderation:*',
      'payouts:read',
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
  probes: {
    'ratelimit:bans': { method: 'GET', url: '/admin/bans' },
    'credits:own': { method: 'GET', url: '/credits/balance' },
    'credits:read': { method: 'GET', url: `/admin/credits/users/${someUser}/balance` },
    'credits:adjust': {
      method: 'PUT',
      url: `/admin/credits/users/${someUser}/frozen`,
      payload: { frozen: false, reason: 'access probe' },
    },
    'promotions:manage': { method: 'POST', url: `/promotions/codes/${someUser}/disable` },
    'promotions:read': { method: 'GET', url: '/promotions/codes' },
    'promotions:redeem': { method: 'POST', url: '/promotions/redeem', payload: { code: 'NO-SUCH-CODE' } },
    'gifts:send': { method: 'GET', url: '/gifts' },
    'gifts:review': { method: 'GET', url: '/admin/gifts' },
    'messages:own': { method: 'GET', url: '/conversations' },
    'profile:own': { method: 'GET', url: '/blocks' },
    'moderation:reports': { method: 'GET', url: '/moderation/message-reports' },
    'moderation:restrictions': { method: 'GET', url: '/moderation/messaging-restrictions' },
  },
});
