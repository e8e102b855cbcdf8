// Owns the error codes of exchange rates: one, for a table the operator sent that cannot be used.
// Nothing is stored when it is raised; every problem is listed with its field path.
import { AppError } from '@app/platform';
import type { RateProblem } from '../matching/exchange-rates.js';

/** Problems spelled out in the detail; all of them are in `errors` either way. */
const DETAILED = 5;

export function exchangeRatesInvalid(problems: RateProblem[]): AppError {
  const said = problems
    .slice(0, DETAILED)
    .map((problem) => `${problem.path.slice(1).replaceAll('/', '.')} ${problem.message}`);
  const more = problems.length > DETAILED ? `; and ${problems.length - DETAILED} more (see errors)` : '';
  return new AppError({
    kind: 'invalid_input',
    code: 'exchange_rates_invalid',
    detail: `The exchange rates were not stored: ${said.join('; ')}${more}.`,
    fields: problems.map((problem) => ({ path: `/body${problem.path}`, message: problem.message })),
  });
}
