import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { StepSpec } from '../specs/types.ts';
import { dotenvName, snakeCase } from '../specs/types.ts';
import type { Annotation, StepLog } from '../steps/shared/types.ts';
import type { RawInputs } from './inputs.ts';
import { Redactor } from './redactor.ts';
import type { Platform } from './types.ts';

/** The environment variable a GitLab component job passes an input through: `BATON_INPUT_DRY_RUN`. */
export function gitlabInputVariable(inputName: string): string {
  return `BATON_INPUT_${snakeCase(inputName).toUpperCase()}`;
}

/** One dotenv line; GitLab's dotenv report takes no multi-line values, so newlines become commas. */
export function dotenvLine(name: string, value: string): string {
  return `${dotenvName(name)}=${value.replace(/\r?\n/g, ',')}`;
}

let sectionCounter = 0;

/**
 * GitLab CI/CD: inputs from `BATON_INPUT_*` (set by the component from `spec:inputs`), outputs as a
 * dotenv report (`BATON_*`), the summary as a collapsible log section and a Markdown artifact.
 */
export function gitlabPlatform(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Platform {
  const redactor = new Redactor();
  const print = (line: string) => process.stdout.write(`${redactor.apply(line)}\n`);
  // Colours only when NO_COLOR is unset (https://no-color.org); the section markers are GitLab's log
  // protocol, not colour, and stay.
  const paint = (code: string, text: string) => (env['NO_COLOR'] ? text : `\x1b[${code}m${text}\x1b[0m`);
  const section = async <T>(title: string, body: () => Promise<T>, collapsed = true): Promise<T> => {
    const id = `baton_${++sectionCounter}`;
    const now = () => Math.floor(Date.now() / 1000);
    print(`\x1b[0Ksection_start:${now()}:${id}[collapsed=${collapsed}]\r\x1b[0K${title}`);
    try {
      return await body();
    } finally {
      print(`\x1b[0Ksection_end:${now()}:${id}\r\x1b[0K`);
    }
  };
  const log: StepLog = {
    info: print,
    // CI logs do not redraw lines: each status is a line of its own.
    progress: print,
    warn: (message) => print(paint('33', `warning: ${message}`)),
    secret: (value) => redactor.add(value),
    group: (title, body) => section(title, body),
  };
  return {
    name: 'gitlab',
    log,
    rawInputs(spec: StepSpec): RawInputs {
      const raw: Record<string, string | undefined> = {};
      for (const input of spec.inputs) raw[input.name] = env[gitlabInputVariable(input.name)];
      return raw;
    },
    async setOutputs(outputs) {
      const lines = Object.entries(outputs).map(([name, value]) => dotenvLine(name, redactor.apply(value)));
      await writeFile(resolve(cwd, env['BATON_DOTENV'] || 'baton.env'), `${lines.join('\n')}\n`);
    },
    async writeSummary(markdown) {
      const text = redactor.apply(markdown);
      await appendFile(resolve(cwd, env['BATON_SUMMARY'] || 'baton-summary.md'), `${text}\n`);
      await section('Baton summary', async () => print(text), false);
    },
    annotate(annotations: readonly Annotation[]) {
      for (const a of annotations) {
        const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ''}${a.column ? `:${a.column}` : ''}: ` : '';
        print(`${where}${a.level}: ${a.message}`);
      }
    },
    fail(message, exitCode) {
      print(paint('31', `ERROR: ${redactor.apply(message)}`));
      process.exitCode = exitCode;
    },
  };
}
