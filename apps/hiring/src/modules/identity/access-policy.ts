// Owns who may do what in hiring. Candidates and employers sign themselves up; admins are made by
// an operator, never through sign-up.
import { defineAccessPolicy } from '@app/platform';

export const hiringAccessPolicy = defineAccessPolicy({
  grants: {
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
  signupRoles: ['candidate', 'employer'],
});
