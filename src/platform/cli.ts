import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.ts';
import type { InputSpec, StepSpec } from '../specs/types.ts';
import type { Annotation, StepLog } from '../steps/shared/types.ts';
import { FALSE_WORDS, type RawInputs, TRUE_WORDS } from './inputs.ts';
import { progressLine } from './progress.ts';
import { Redactor } from './redactor.ts';
import type { Platform } from './types.ts';
import { inertText } from './workflow-commands.ts';

/** Options every step takes on the command line besides its inputs. */
const COMMON_FLAGS = ['json', 'help'] as const;

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function flagOptions(spec: StepSpec): ParseArgsOptions {
  const options: ParseArgsOptions = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  for (const input of spec.inputs) {
    const option: ParseArgsOptions[string] = {
      type: input.type === 'boolean' ? 'boolean' : 'string',
      ...(input.type === 'list' ? { multiple: true } : {}),
      ...(input.short ? { short: input.short } : {}),
    };
    options[input.name] = option;
    if (input.secret) options[`${input.name}-file`] = { type: 'string' };
  }
  return options;
}

function readSecret(input: InputSpec, values: Record<string, unknown>): string | undefined {
  if (values[input.name] !== undefined) {
    const sources = [...(input.env ?? []).slice(0, 1), `--${input.name}-file`].join(' or ');
    throw new UserError(`${input.name}: a secret on the command line shows in process listings; pass it through ${sources}.`, {
      input: input.name,
    });
  }
  const file = values[`${input.name}-file`];
  if (typeof file !== 'string') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UserError(`${input.name}-file: cannot read "${file}".`, { input: `${input.name}-file`, cause: error });
  }
}

/** The list input that takes bare arguments, if the step has one. */
function positionalInput(spec: StepSpec): InputSpec | undefined {
  return spec.inputs.find((input) => input.positional && input.type === 'list');
}

/** Bare arguments join the positional input's flag values, after them (as kubeconform and kubectl take paths). */
function withPositionals(spec: StepSpec, values: Record<string, unknown>, positionals: readonly string[]): Record<string, unknown> {
  const input = positionalInput(spec);
  if (!input || positionals.length === 0) return values;
  return { ...values, [input.name]: [...((values[input.name] as string[] | undefined) ?? []), ...positionals] };
}

/**
 * Rewrites `--x=true` / `--x=false` (and the other boolean words) of a boolean input to `--x` / `--no-x`,
 * which node's parseArgs reads with `allowNegative`; a word that is not a boolean names the input.
 * Arguments after `--` are left alone.
 */
export function booleanFlags(spec: StepSpec, argv: readonly string[]): string[] {
  const booleans = new Set(spec.inputs.filter((input) => input.type === 'boolean').map((input) => input.name));
  const end = argv.indexOf('--');
  return argv.map((arg, index) => {
    const match = /^--([^=]+)=(.*)$/s.exec(arg);
    if (!match || (end >= 0 && index > end) || !booleans.has(match[1]!)) return arg;
    const name = match[1]!;
    if (TRUE_WORDS.has(match[2]!.trim())) return `--${name}`;
    if (FALSE_WORDS.has(match[2]!.trim())) return `--no-${name}`;
    throw new UserError(`${name}: "${match[2]}" is not a boolean; write --${name}, --no-${name} or --${name}=true|false.`, { input: name });
  });
}

/** The help text of one step, generated from its spec. */
export function stepHelp(spec: StepSpec): string {
  const positional = positionalInput(spec);
  const usage = `Usage: baton ${spec.name} [options]${positional ? ` [${positional.name}...]` : ''}`;
  const lines = [usage, '', `baton ${spec.name}: ${spec.description}`, '', 'Options:'];
  for (const input of spec.inputs) {
    const value = input.type === 'boolean' ? `, --no-${input.name}` : input.type === 'enum' ? ` <${input.options?.join('|')}>` : ' <value>';
    const flag = input.secret ? `--${input.name}-file <path>` : `--${input.name}${value}`;
    const extra = [
      input.required ? 'required' : '',
      input.default !== undefined ? `default: ${input.default}` : '',
      input.type === 'list' ? 'repeatable' : '',
      input.env?.length ? `env: ${input.env.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(`  ${flag}`, `      ${input.description}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }
  lines.push('  --json', '      Print the outputs as JSON on stdout.');
  const yesNo = spec.inputs.find((input) => input.type === 'boolean');
  if (yesNo) lines.push('', `A yes/no option also takes a value: --${yesNo.name}=true, --${yesNo.name}=false.`);
  return lines.join('\n');
}

/**
 * An output for the `--json` document: outputs that hold JSON (status's matrix, history's entries) are
 * nested as JSON values, so the document reads with one parse; every other output stays a string.
 */
export function jsonOutputValue(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** What the command line asked for: the platform, whether help was wanted. */
export interface CliInvocation {
  readonly platform: Platform;
  readonly help: boolean;
  /** Writes the `--json` document (outputs, and the error of a failed step) once the step is done. */
  flush(): void;
}

/**
 * The command line: flags in (`--dry-run`, `--image a:1 --image b:2`), logs on stderr, outputs on stdout
 * (as JSON with `--json`, else the summary and `name=value` lines). Exit codes 0, 1, 2.
 */
export function cliPlatform(spec: StepSpec, argv: readonly string[]): CliInvocation {
  const redactor = new Redactor();
  const args = booleanFlags(spec, argv);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: flagOptions(spec),
      allowPositionals: positionalInput(spec) !== undefined,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError(`${(error as Error).message}. Run "baton ${spec.name} --help" for the options.`, { cause: error });
  }
  const values = withPositionals(spec, parsed.values as Record<string, unknown>, parsed.positionals);
  const json = values['json'] === true;
  // On a GitHub runner (`run: baton …`) stderr is read for workflow commands too.
  const inert = process.env['GITHUB_ACTIONS'] === 'true' ? inertText : (text: string) => text;
  /** The `--json` document, written once by `flush`. */
  let document: Record<string, unknown> | undefined;
  const status = progressLine(process.stderr);
  const err = (line: string) => {
    status.clear();
    process.stderr.write(`${inert(redactor.apply(line))}\n`);
  };
  const log: StepLog = {
    info: err,
    progress: (message) => status.update(inert(redactor.apply(message))),
    warn: (message) => err(`warning: ${message}`),
    secret: (value) => redactor.add(value),
    group: async (title, body) => {
      err(`== ${title}`);
      return body();
    },
  };
  const platform: Platform = {
    name: 'cli',
    log,
    rawInputs(): RawInputs {
      const raw: Record<string, string | readonly string[] | undefined> = {};
      for (const input of spec.inputs) {
        if (input.secret) raw[input.name] = readSecret(input, values);
        else {
          const value = values[input.name];
          raw[input.name] = typeof value === 'boolean' ? String(value) : (value as string | string[] | undefined);
        }
      }
      return raw;
    },
    async setOutputs(outputs) {
      if (json) {
        document = {
          ...document,
          ...Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, jsonOutputValue(redactor.apply(value))])),
        };
        return;
      }
      const text = Object.entries(outputs)
        .map(([name, value]) => `${name}=${value.replace(/\n/g, ',')}`)
        .join('\n');
      process.stdout.write(`${redactor.apply(text)}\n`);
    },
    async writeSummary(markdown) {
      err(markdown);
    },
    annotate(annotations: readonly Annotation[]) {
      for (const a of annotations) {
        const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ''}${a.column ? `:${a.column}` : ''}: ` : '';
        err(`${where}${a.level}: ${a.message}`);
      }
    },
    fail(message, exitCode) {
      err(`error: ${message}`);
      // A failed verdict's outputs and its error make one document, never two.
      if (json) document = { ...document, error: redactor.apply(message), exitCode };
      process.exitCode = exitCode;
    },
  };
  const flush = () => {
    if (json && document) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    document = undefined;
  };
  return { platform, help: values['help'] === true, flush };
}

export { COMMON_FLAGS };
