import { UserError } from '../core/errors.ts';
import type { InputSpec, InputsOf, InputValues, StepSpec } from '../specs/types.ts';

/** Raw input strings as a platform found them; undefined or '' means "not given". */
export type RawInputs = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The words a boolean input reads as true. */
export const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'True', 'TRUE', 'yes', '1', 'on']);
/** The words a boolean input reads as false. */
export const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'False', 'FALSE', 'no', '0', 'off']);
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Splits a list input on newlines and commas, trimming and dropping empty items. */
export function splitList(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? [value] : value;
  return parts
    .flatMap((part) => part.split(/[\n,]/))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Parses a duration such as `90s`, `10m`, `1h30m`, `500ms` to milliseconds. */
export function parseDuration(value: string, input: string): number {
  const text = value.trim();
  if (!DURATION_RE.test(text)) {
    throw new UserError(`${input}: "${value}" is not a duration; write it like 90s, 10m or 1h30m.`, { input });
  }
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(match[1]) * unit[match[2]!]!;
  return total;
}

function parseOne(spec: InputSpec, raw: string | readonly string[]): InputValues[string] {
  const text = typeof raw === 'string' ? raw.trim() : raw.join('\n');
  switch (spec.type) {
    case 'string':
      return text;
    case 'list':
      return splitList(raw);
    case 'boolean':
      if (TRUE_WORDS.has(text)) return true;
      if (FALSE_WORDS.has(text)) return false;
      throw new UserError(`${spec.name}: "${text}" is not a boolean; use true or false.`, { input: spec.name });
    case 'number': {
      const number = Number(text);
      if (text === '' || !Number.isFinite(number)) {
        throw new UserError(`${spec.name}: "${text}" is not a number.`, { input: spec.name });
      }
      return number;
    }
    case 'duration':
      return parseDuration(text, spec.name);
    case 'enum':
      if (!spec.options?.includes(text)) {
        throw new UserError(`${spec.name}: "${text}" is not one of ${spec.options?.join(', ')}.`, { input: spec.name });
      }
      return text;
  }
}

function isGiven(raw: string | readonly string[] | undefined): raw is string | readonly string[] {
  if (raw === undefined) return false;
  return typeof raw === 'string' ? raw.trim() !== '' : raw.some((item) => item.trim() !== '');
}

/**
 * Turns raw strings into typed values, applying defaults and environment fallbacks from the spec.
 * Every input is checked before anything is touched; the first bad one throws a UserError naming it.
 */
export function parseInputs<S extends StepSpec>(spec: S, raw: RawInputs, env: Readonly<Record<string, string | undefined>>): InputsOf<S> {
  const known = new Set(spec.inputs.map((input) => input.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name) && isGiven(raw[name])) {
      throw new UserError(`${name}: ${spec.name} has no such input; known inputs: ${[...known].join(', ')}.`, {
        input: name,
      });
    }
  }
  const values: InputValues = {};
  for (const input of spec.inputs) {
    let given = raw[input.name];
    if (!isGiven(given)) given = input.env?.map((name) => env[name]).find((value) => isGiven(value));
    if (!isGiven(given)) given = input.default;
    if (!isGiven(given)) {
      if (input.required) {
        throw new UserError(`${input.name}: this input is required. ${input.description}`, { input: input.name });
      }
      values[input.name] = input.type === 'list' ? [] : input.type === 'boolean' ? false : undefined;
      continue;
    }
    values[input.name] = parseOne(input, given);
  }
  checkNeedsOneOf(spec, values);
  // Each value was parsed by its declared type just above, which is what InputsOf<S> says of it.
  return values as InputsOf<S>;
}

function isEmpty(value: InputValues[string]): boolean {
  return value === undefined || value === false || (Array.isArray(value) && value.length === 0);
}

/** Throws the spec's message (a UserError naming its first input) for the first {@link StepSpec.needsOneOf} group left empty. */
function checkNeedsOneOf(spec: StepSpec, values: InputValues): void {
  for (const rule of spec.needsOneOf ?? []) {
    if (rule.when && values[rule.when.input] !== rule.when.is) continue;
    if (rule.inputs.every((name) => isEmpty(values[name]))) throw new UserError(rule.message, { input: rule.inputs[0] });
  }
}
