// Owns the generated request specifications. Values that only exist at run time (the current valid
// token, ids seen in earlier answers) are markers here, so a seed replays the same shape of request.

export type PathValue = { raw: string } | { known: number };

export type AuthSpec =
  | { kind: 'none' }
  | { kind: 'valid'; scheme: string }
  | { kind: 'tampered'; claims: Record<string, unknown>; header: Record<string, unknown>; signature: string }
  | { kind: 'raw'; value: string };

export type CookieSpec = { kind: 'none' } | { kind: 'valid'; extra: string } | { kind: 'raw'; value: string };

export interface BodySpec {
  note: string;
  contentType: string | undefined;
  payload: string | Buffer;
}

export interface RequestSpec {
  operation: string;
  method: string;
  pathTemplate: string;
  pathValues: PathValue[];
  query: string;
  auth: AuthSpec;
  cookie: CookieSpec;
  headers: Record<string, string>;
  body: BodySpec | undefined;
}
