// Hiring's real access policy (item 21): the roles and grants below are the product's intent,
// written out by hand, so that widening a grant or opening a staff role to sign-up fails here. Each
// probe is a route guarded by that permission; an unknown id behind it answers 404 to a caller the
// guard lets through and 403 permission_denied to one it stops.
import { randomUUID } from 'node:crypto';
import { describeAccessMatrix } from '@app/platform/testing';
import { createHiringApp } from '../../src/app.js';
import { hiringAccessPolicy } from '../../src/modules/identity/access-policy.js';

const someId = randomUUID();

describeAccessMatrix('hiring', {
  app: createHiringApp({ hasher: { memoryKiB: 1024, iterations: 1 } }),
  policy: hiringAccessPolicy,
  expectedSignupRoles: ['candidate', 'employer'],
  expectedGrants: {
    candidate: ['jobs:read', 'jobs:act', 'applications:own', 'assessments:take', 'profile:own'],
    employer: [
      'jobs:read',
      'jobs:write',
      'organisations:own',
      'job-sources:manage',
      'applications:manage',
      'candidates:rank',
      'assessments:invite',
      'billing:own',
      'profile:own',
    ],
    admin: ['*'],
  },
  probes: {
    'jobs:write': { method: 'GET', url: `/organisations/${someId}/jobs` },
    'organisations:own': { method: 'GET', url: '/organisations' },
    'job-sources:manage': { method: 'GET', url: '/job-sources' },
    'applications:manage': { method: 'GET', url: `/jobs/${someId}/applications` },
    'candidates:rank': { method: 'POST', url: `/jobs/${someId}/match-candidates`, payload: {} },
    'applications:own': { method: 'GET', url: '/me/applications' },
    'jobs:act': { method: 'GET', url: '/me/saved-jobs' },
    'scrape:run': { method: 'GET', url: `/scrape/runs/${someId}` },
    'ratelimit:bans': { method: 'GET', url: '/admin/bans' },
  },
});
