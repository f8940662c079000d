/**
 * Holds the GitHub test servers to GitHub's published REST description (the npm package
 * `@octokit/openapi`, `generated/api.github.com.json`, OpenAPI 3.0). Every exchange a test server has
 * is checked both ways:
 * - the request Baton sent must be a documented operation (method + path template), carry the
 *   operation's required parameters, use only documented query parameters with valid values, and send
 *   a body that validates against the operation's `requestBody` schema with no undocumented top-level
 *   field (GitHub ignores unknown fields, so a misspelt one would otherwise pass silently);
 * - the answer the test server gave must validate against the operation's response schema for that
 *   status code; a status the operation does not document must be an error with GitHub's `basic-error`
 *   shape.
 *
 * The description is driven generically: any route a server answers is checked, so routes added later
 * are covered without touching this file. It is 13 MB: it is read once per process, on the first check,
 * and each operation's schemas are compiled on first use and cached.
 *
 * With `BATON_OPENAPI_RECORD=<file>` set, every checked operation is appended to that file as
 * `<METHOD> <path template>` (one line per exchange), so a test can see which operations other test
 * files exercised.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { checkGraphqlRequest } from './github-graphql.ts';

type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: Json;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly (Parameter | { $ref: string })[];
  readonly requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> } | { $ref: string };
  readonly responses: Record<string, { $ref: string } | { content?: Record<string, { schema?: Json }> }>;
}

interface Description {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: Record<string, Record<string, unknown>>;
}

/** One documented operation, matched by method and path. */
export interface OperationMatch {
  readonly method: string;
  /** The path template as the description writes it (`/repos/{owner}/{repo}/pulls`). */
  readonly template: string;
  readonly operationId: string;
  readonly pathParams: Readonly<Record<string, string>>;
}

/** One exchange to check: the request as sent, the answer as given. */
export interface Exchange {
  readonly method: string;
  /** The path below the API root, without query (`/repos/acme/env/pulls`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  readonly reply: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const COMPONENTS_ID = 'github-components';

let loaded: { description: Description; ajv: Ajv; routes: Route[] } | undefined;
const compiled = new Map<string, ValidateFunction>();

interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly names: string[];
  /** Literal segments count first, so `/repos/{o}/{r}/pulls` wins over `/repos/{o}/{r}/{x}`. */
  readonly literals: number;
  readonly operation: Operation;
}

/** The description, read and prepared once per process. */
function description(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Description;
  const components = toJsonSchema(parsed.components) as Description['components'];
  // strict off: the description carries OpenAPI keywords (example, discriminator, x-*) ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, addUsedSchema: false });
  addFormats.default(ajv);
  // URL fields such as a deployment status's target_url are declared `format: uri` with `default: ""`:
  // the empty string is a documented value of them, so it passes.
  const uri = addFormats.default.get('uri') as unknown as (value: string) => boolean;
  ajv.addFormat('uri', (value: string) => value === '' || uri(value));
  // GitHub's own format for `owner/name` (a repository's "name with owner").
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: components['schemas'] } });
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(parsed.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const multi = new Set(
        (operation.parameters ?? []).flatMap((p) =>
          'name' in p && (p as { 'x-multi-segment'?: boolean })['x-multi-segment'] ? [p.name] : [],
        ),
      );
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
        names.push(name);
        return multi.has(name) ? '(.+)' : '([^/]+)';
      });
      const literals = template.split('/').filter((segment) => segment && !segment.includes('{')).length;
      routes.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), names, literals, operation });
    }
  }
  routes.sort((a, b) => b.literals - a.literals || a.names.length - b.names.length);
  loaded = { description: { paths: parsed.paths, components }, ajv, routes };
  return loaded;
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a `null` alternative (also on a
 * schema with no `type`, such as `allOf: [$ref]`), and `$ref`s into the components point into the one
 * schema registered with ajv.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) out[key] = `${COMPONENTS_ID}${value}`;
    else if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    else out[key] = toJsonSchema(value);
  }
  if ((node as Json)['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function deref<T>(value: T | { $ref: string }): T {
  const { description: d } = description();
  let current: unknown = value;
  while (current && typeof current === 'object' && '$ref' in current && typeof current.$ref === 'string') {
    const parts = current.$ref.replace(/^(github-components)?#\//, '').split('/');
    current = parts.reduce<unknown>((node, part) => (node as Json)[part], d);
  }
  return current as T;
}

function validator(key: string, schema: Json): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = description().ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 8)
    .map(
      (error) =>
        `${error.instancePath || '(root)'} ` +
        `${error.message ?? ''}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`,
    )
    .join('; ');
}

/** The documented operation for a method and path, or undefined when GitHub documents none. */
export function findOperation(method: string, path: string): OperationMatch | undefined {
  for (const route of description().routes) {
    if (route.method !== method.toUpperCase()) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParams = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
    return { method: route.method, template: route.template, operationId: route.operation.operationId, pathParams };
  }
  return undefined;
}

/** Checks one exchange; returns what does not match the description (empty when all does). */
export function checkExchange(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path}`;
  const match = findOperation(exchange.method, exchange.path);
  if (!match) return [`${where}: no operation in GitHub's REST description has this method and path`];
  const route = description().routes.find((r) => r.method === match.method && r.template === match.template)!;
  const operation = route.operation;
  const label = `${match.method} ${match.template} (${match.operationId})`;
  const problems: string[] = [];
  const parameters = (operation.parameters ?? []).map((p) => deref<Parameter>(p));
  for (const parameter of parameters) {
    if (parameter.in !== 'query') continue;
    const value = exchange.query[parameter.name];
    if (value === undefined) {
      if (parameter.required) problems.push(`${label}: required query parameter ${parameter.name} is missing`);
      continue;
    }
    const schema = toJsonSchema(parameter.schema ?? {}) as Json;
    const validate = validator(`${label} query ${parameter.name}`, schema);
    const typed =
      schema['type'] === 'integer' || schema['type'] === 'number'
        ? Number(value)
        : schema['type'] === 'boolean'
          ? value === 'true'
            ? true
            : value === 'false'
              ? false
              : value
          : value;
    if (!validate(typed)) problems.push(`${label}: query parameter ${parameter.name}=${value}: ${errorsOf(validate)}`);
  }
  const documentedQuery = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(exchange.query)) {
    if (!documentedQuery.has(name)) problems.push(`${label}: query parameter ${name} is not documented`);
  }
  const requestBody = operation.requestBody ? deref(operation.requestBody) : undefined;
  const bodySchema = requestBody?.content?.['application/json']?.schema;
  if (exchange.body === undefined) {
    if (requestBody?.required) problems.push(`${label}: the request body is required`);
  } else if (!bodySchema) {
    problems.push(`${label}: the operation takes no JSON request body`);
  } else {
    const schema = toJsonSchema(bodySchema) as Json;
    const validate = validator(`${label} request`, schema);
    if (!validate(exchange.body)) problems.push(`${label}: request body: ${errorsOf(validate)}`);
    const documented = deref<Json>(schema)['properties'] as Json | undefined;
    if (documented && exchange.body && typeof exchange.body === 'object' && !Array.isArray(exchange.body)) {
      for (const field of Object.keys(exchange.body)) {
        if (!(field in documented)) problems.push(`${label}: request body field ${field} is not documented`);
      }
    }
  }
  problems.push(...checkReply(label, operation, exchange.status, exchange.reply));
  record(`${match.method} ${match.template}`);
  return problems;
}

function checkReply(label: string, operation: Operation, status: number, body: unknown): string[] {
  const documented = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses['default'];
  const response = documented ? deref(documented) : undefined;
  let schema = response?.content?.['application/json']?.schema ?? response?.content?.['application/scim+json']?.schema;
  if (!documented) {
    // GitHub answers any operation with 401/403/404 and friends in its basic-error shape; other statuses
    // the operation does not document are the test server's invention.
    if (status < 400) return [`${label}: status ${status} is not documented for this operation`];
    schema = { $ref: '#/components/schemas/basic-error' };
  }
  // GitHub documents some error statuses without a body (409 on create-deployment) yet answers them with
  // its basic-error object; a success status documented without a body must have none.
  if (!schema && status >= 400 && body !== undefined) schema = { $ref: '#/components/schemas/basic-error' };
  if (!schema) return body === undefined || body === '' ? [] : [`${label}: status ${status} documents no body, the test server sent one`];
  const validate = validator(`${label} ${documented ? status : 'error'}`, toJsonSchema(schema) as Json);
  return validate(body) ? [] : [`${label}: answer ${status}: ${errorsOf(validate)}`];
}

function record(operation: string): void {
  const file = process.env['BATON_OPENAPI_RECORD'];
  if (file) appendFileSync(file, `${operation}\n`);
}

/**
 * Collects the mismatches of one test server. The server answers as it would (a test that expects an
 * error still gets it); the mismatches fail the test when the server stops, or earlier through
 * {@link OpenApiContract.assertClean}.
 */
export class OpenApiContract {
  readonly mismatches: string[] = [];
  readonly #answersOnly: boolean;

  /**
   * `answersOnly`: check only the server's answers, for a test that sends wrong requests on purpose to
   * see the server refuse them (those requests are the test's, not Baton's).
   */
  constructor(answersOnly = false) {
    this.#answersOnly = answersOnly;
  }

  /** Checks one exchange and keeps what does not match. */
  check(exchange: Exchange): void {
    this.mismatches.push(...checkExchange(exchange).filter((problem) => !this.#answersOnly || problem.includes(': answer ')));
  }

  /** Checks a GraphQL request against GitHub's published GraphQL schema (see github-graphql.ts). */
  checkGraphql(query: string, variables: Readonly<Record<string, unknown>>): void {
    if (!this.#answersOnly) this.mismatches.push(...checkGraphqlRequest(query, variables));
  }

  /** Throws when any exchange so far did not match GitHub's description. */
  assertClean(): void {
    if (this.mismatches.length === 0) return;
    throw new Error(`the GitHub test API and GitHub's REST description disagree:\n- ${[...new Set(this.mismatches)].join('\n- ')}`);
  }
}
