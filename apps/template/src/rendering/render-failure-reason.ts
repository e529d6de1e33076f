import type { TemplateError } from '@switchboard/rendering';

const MISSING = 'is missing from the template data';

/** One line for the timeline: "missing variable name, order.total" or the variable and its problem. */
export function renderFailureReason(error: TemplateError): string {
  const missing = error.problems.filter(({ problem }) => problem === MISSING).map(({ field }) => field);
  const others = error.problems
    .filter(({ problem }) => problem !== MISSING)
    .map(({ field, problem }) =>
      error.code === 'MISSING_CONTENT' ? problem : `variable ${field} ${problem}`,
    );
  return [...(missing.length > 0 ? [`missing variable ${missing.join(', ')}`] : []), ...others].join('; ');
}
