// Owns how error answers appear in the OpenAPI document: one RFC 9457 problem schema and a helper
// that lists, per route, the statuses it can answer with. The kernel's error handler writes the
// bodies itself; these declarations only document them.
import Type from 'typebox';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    detail: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
        description: 'Validation problems, one per field (JSON pointer paths).',
      }),
    ),
  },
  { additionalProperties: true },
);

const descriptions: Record<number, string> = {
  400: 'Invalid input (problem+json with field paths)',
  401: 'Not signed in, or the access token is invalid or expired',
  402: 'Not enough credits for the operation',
  403: 'Signed in but not allowed',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'No longer available (revoked, expired or used up)',
  413: 'Body too large',
  415: 'Unsupported media type',
  423: 'The account is frozen',
  429: 'Rate limited (see Retry-After)',
  503: 'Temporarily unavailable',
  504: 'Timed out',
};

/** Response declarations for the given error statuses, for a route's `schema.response`. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );
}
