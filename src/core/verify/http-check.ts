/**
 * The `http` provider's rules: a URL answers with the expected status code, JSON field values and
 * header values. Nothing here fails fast: the old version answering is what a rollout in progress looks
 * like, so a mismatch only means "not yet".
 */
import { UserError } from '../errors.ts';
import { type Assessment, assess } from './types.ts';

/** One `path=value` or `name=value` expectation. */
export interface Expectation {
  readonly key: string;
  readonly value: string;
}

/** What the URL must answer. */
export interface HttpExpectations {
  /** An exact status code; any 2xx when undefined. */
  readonly status?: number;
  readonly json: readonly Expectation[];
  readonly headers: readonly Expectation[];
}

/** What the URL answered. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parses `key=value` items of `input`; the value may contain `=`. */
export function parseExpectations(items: readonly string[], input: string): Expectation[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UserError(
        `${input}: "${item}" is not name=value; write it like ${input === 'expect-json' ? 'version=1.4.2' : 'x-version=1.4.2'}.`,
        { input },
      );
    return { key: item.slice(0, eq).trim(), value: item.slice(eq + 1).trim() };
  });
}

/** Checks an `expect-status` value: a whole number from 100 to 599. */
export function checkStatusCode(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 100 || value > 599) {
    throw new UserError(`expect-status: ${value} is not an HTTP status code (100–599).`, { input: 'expect-status' });
  }
  return value;
}

/** The value at a JSON path: `version`, `$.build.version`, `items[0].tag`, `items.0.tag`. */
export function jsonPathValue(document: unknown, path: string): unknown {
  const keys = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let value: unknown = document;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function jsonMismatches(answer: HttpAnswer, expected: readonly Expectation[]): string[] {
  if (expected.length === 0) return [];
  let document: unknown;
  try {
    document = JSON.parse(answer.body);
  } catch {
    return [`the body is not JSON (${JSON.stringify(answer.body.slice(0, 60))})`];
  }
  return expected
    .map((e) => ({ e, found: asText(jsonPathValue(document, e.key)) }))
    .filter(({ e, found }) => found !== e.value)
    .map(({ e, found }) => `${e.key} is ${JSON.stringify(found)} (expected ${JSON.stringify(e.value)})`);
}

/** The verdict on one answer of `url`. */
export function assessAnswer(url: string, answer: HttpAnswer, expected: HttpExpectations): Assessment {
  const problems: string[] = [];
  const statusOk = expected.status === undefined ? answer.status >= 200 && answer.status < 300 : answer.status === expected.status;
  if (!statusOk) problems.push(`status ${answer.status} (expected ${expected.status ?? '2xx'})`);
  for (const h of expected.headers) {
    const found = answer.headers[h.key.toLowerCase()];
    if (found?.trim() !== h.value)
      problems.push(`header ${h.key} is ${JSON.stringify(found ?? '(absent)')} (expected ${JSON.stringify(h.value)})`);
  }
  if (statusOk) problems.push(...jsonMismatches(answer, expected.json));
  const facts = { status: answer.status };
  if (problems.length === 0) return assess('healthy', 'answered', `${url} answers as expected (${answer.status})`, facts);
  return assess('progressing', 'not-yet', `${url}: ${problems.join('; ')}`, facts);
}
