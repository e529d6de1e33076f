import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ANY_SEGMENT,
  ContractValidationError,
  type InputInspection,
  inspectInput,
  listedProblems,
  MAX_JSON_DEPTH,
  MAX_LISTED_PROBLEMS,
} from '@switchboard/contracts';
import { errorCodes, type FastifyRequest, type RawServerDefault } from 'fastify';
import { ProblemException } from './problem-details';

/**
 * Route config flag (via @RouteConfig, or set by an onRoute hook) for a batch route, whose body
 * holds items the route validates one by one (e.g. `{ "messages": [...] }`): a NUL, a lone
 * surrogate or nesting past MAX_JSON_DEPTH inside one item is left to the route, which rejects
 * that item alone, rather than refusing the whole batch.
 */
export const BATCH_BODY_ROUTE = 'batchBody';

/**
 * How deep one batch item may nest before the whole batch body is refused: twice what the
 * route accepts, still far below what recursive code can walk (thousands of levels).
 */
export const MAX_BATCH_ITEM_DEPTH = 2 * MAX_JSON_DEPTH;

// Elements of the body object's top-level arrays (and values of its top-level objects): the items.
const BATCH_ITEMS = [[ANY_SEGMENT, ANY_SEGMENT]] as const;

/**
 * Parses a JSON request body and refuses, with a 400 that names the field, what no route
 * accepts: nesting deeper than MAX_JSON_DEPTH (JSON_TOO_DEEP), a `__proto__` key or a
 * `constructor` holding `prototype` (FORBIDDEN_KEY) and text with a NUL or an unpaired surrogate
 * (VALIDATION_FAILED). V8's JSON.parse does not recurse, so any depth parses; the checks after it
 * run in one pass with an explicit stack, so no body can overflow the stack.
 */
export function parseJsonBody(text: string, options: { batch?: boolean } = {}): unknown {
  if (text.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProblemException(400, 'MALFORMED_JSON', `the body is not valid JSON: ${syntaxProblem(error)}`);
  }
  refuse(options.batch ? inspectBatch(value) : inspectInput(value));
  return value;
}

/**
 * Makes parseJsonBody the one `application/json` parser of the app. Nest then registers no
 * parser of its own, so any other body type (form bodies included) answers 415.
 */
export function installJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body.toString('utf8'), { batch: isBatchRoute(request) }));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function isBatchRoute(request: FastifyRequest): boolean {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[BATCH_BODY_ROUTE] === true;
}

// The envelope is checked like any body; inside each item only what could harm the whole request
// (a forbidden key, nesting past MAX_BATCH_ITEM_DEPTH); the route checks the rest per item.
function inspectBatch(value: unknown): InputInspection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return inspectInput(value);
  const inspections = [inspectInput(value, { skip: BATCH_ITEMS })];
  for (const [key, container] of Object.entries(value)) {
    if (typeof container !== 'object' || container === null) continue;
    for (const [index, item] of Object.entries(container)) {
      inspections.push(
        inspectInput(item, {
          checkText: false,
          maxDepth: MAX_BATCH_ITEM_DEPTH,
          at: [key, Array.isArray(container) ? Number(index) : index],
        }),
      );
    }
  }
  const problems = inspections.flatMap((inspection) => inspection.problems);
  return {
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    omitted:
      Math.max(0, problems.length - MAX_LISTED_PROBLEMS) +
      inspections.reduce((sum, inspection) => sum + inspection.omitted, 0),
  };
}

function refuse(inspection: InputInspection): void {
  if (inspection.problems.length === 0) return;
  for (const [kind, code] of [
    ['forbidden-key', 'FORBIDDEN_KEY'],
    ['too-deep', 'JSON_TOO_DEEP'],
  ] as const) {
    const problems = inspection.problems.filter((problem) => problem.kind === kind);
    if (problems.length === 0) continue;
    const [first] = problems;
    throw new ProblemException(
      400,
      code,
      `the body is valid JSON, but ${first.field || 'the body itself'} ${first.problem}`,
      { errors: listedProblems({ problems, omitted: 0 }) },
    );
  }
  throw new ContractValidationError('request body', listedProblems(inspection));
}

// V8 quotes the start of the input after ', "' (personal data, perhaps): keep what precedes it.
function syntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(', "')[0];
}
