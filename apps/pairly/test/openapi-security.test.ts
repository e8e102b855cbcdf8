// The pairly API's OpenAPI document marks every operation that needs a token (bearer or the session
// cookie with the CSRF header) so /docs can try them, and leaves the public ones public (item 17).
import { describeDocumentedSecurity } from '@app/platform/testing';
import { pairlyApp } from '../src/app.js';

describeDocumentedSecurity({
  definition: pairlyApp,
  publicOperations: [
    'POST /auth/signup',
    'POST /auth/login',
    'POST /auth/refresh',
    'GET /health',
    'GET /ready',
    'GET /media/{id}/content',
  ],
});
