// Owns turning the validator's errors into one problem per field with a message a client can act
// on. ajv reports a choice between literals (typebox `Union` of `Literal`s compiles to `anyOf` of
// `const`) as one "must be equal to constant" per allowed value plus "must match a schema in
// anyOf"; such a group collapses into "must be one of: a, b, c" (null included when the union
// allows it), and a union of plain types into "must be integer or null". Other unions (of objects,
// say) keep ajv's errors, which then point inside the branches.
import type { FieldProblem } from '../errors/index.js';

export interface ValidationIssue {
  instancePath: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params: Record<string, unknown>;
}

const describe = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const branchOf = (issue: ValidationIssue) => issue.schemaPath?.slice(0, issue.schemaPath.lastIndexOf('/'));

/** The one message for a group of branch errors of an anyOf, or undefined when it does not collapse. */
function choiceMessage(group: ValidationIssue[]): string | undefined {
  const values: unknown[] = [];
  const valueBranches = new Set<string | undefined>();
  for (const issue of group) {
    if (issue.keyword === 'const') values.push(issue.params.allowedValue);
    else if (issue.keyword === 'enum') values.push(...(issue.params.allowedValues as unknown[]));
    else if (issue.keyword !== 'type' && issue.keyword !== 'anyOf') return undefined;
    if (issue.keyword === 'const' || issue.keyword === 'enum') valueBranches.add(branchOf(issue));
  }
  // A literal's own type check ("must be string" beside its const) says nothing the value does not.
  const types = group
    .filter((issue) => issue.keyword === 'type' && !valueBranches.has(branchOf(issue)))
    .map((issue) => String(issue.params.type));
  if (values.length === 0) return types.length > 0 ? `must be ${types.join(' or ')}` : undefined;
  return `must be one of: ${[...values.map(describe), ...types].join(', ')}`;
}

function isWithin(issue: ValidationIssue, anyOf: ValidationIssue): boolean {
  return issue.schemaPath?.startsWith(`${anyOf.schemaPath}/`) === true;
}

/** Replaces every collapsible anyOf group (outermost first) by its one message. */
function collapseChoices(issues: ValidationIssue[]): ValidationIssue[] {
  const outermost = issues.filter(
    (issue) =>
      issue.keyword === 'anyOf' &&
      !issues.some((other) => other !== issue && other.keyword === 'anyOf' && isWithin(issue, other)),
  );
  let result = issues;
  for (const anyOf of outermost) {
    const group = result.filter((issue) => isWithin(issue, anyOf));
    if (group.some((issue) => issue.instancePath !== anyOf.instancePath)) continue;
    const message = choiceMessage(group);
    if (message === undefined) continue;
    result = result
      .filter((issue) => !group.includes(issue))
      .map((issue) => (issue === anyOf ? { ...anyOf, message } : issue));
  }
  return result;
}

function messageFor(issue: ValidationIssue): string {
  if (issue.params.additionalProperty !== undefined) return 'is not an accepted property';
  if (issue.keyword === 'enum') {
    return `must be one of: ${(issue.params.allowedValues as unknown[]).map(describe).join(', ')}`;
  }
  return issue.message ?? 'is invalid';
}

/** One problem per invalid field, paths as JSON pointers under the request part (`/body/name`). */
export function fieldProblems(issues: ValidationIssue[], context: string | undefined): FieldProblem[] {
  return collapseChoices(issues).map((issue) => {
    const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
    const suffix = typeof extra === 'string' ? `/${extra}` : '';
    return { path: `/${context ?? 'body'}${issue.instancePath}${suffix}`, message: messageFor(issue) };
  });
}
