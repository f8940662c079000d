/**
 * One validate run in its own process, for bench.ts: prints what it found, the time and the peak
 * memory (max RSS) as one JSON line, so each measurement starts from a fresh heap.
 *
 *   node bench/validate/child.ts <dir> <path> [--workers N] [--naive-list]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { YAML_READ_OPTIONS } from '../../src/core/validate/fast-yaml.ts';
import { parseInputs } from '../../src/platform/inputs.ts';
import { validateSpec } from '../../src/specs/validate.ts';
import { validateInputs } from '../../src/steps/validate/inputs.ts';
import { defaultValidateDeps, runValidation } from '../../src/steps/validate/step.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string' }, 'naive-list': { type: 'boolean' } },
});
const [dir, path] = positionals as [string, string];
const start = performance.now();
let resources = 0;
let errors = 0;
if (values['naive-list']) {
  // The naive way: the yaml package's node tree of the whole stream, then plain data (what positions cost before).
  for (const doc of parseAllDocuments(await readFile(join(dir, path), 'utf8'), YAML_READ_OPTIONS) as unknown as Array<{
    toJS(): { items?: unknown[] };
  }>) {
    resources += doc.toJS().items?.length ?? 1;
  }
} else {
  const deps = defaultValidateDeps();
  const parallel = values.workers === undefined ? deps.parallel : { ...deps.parallel, workers: Number(values.workers) };
  const inputs = validateInputs(parseInputs(validateSpec, { paths: path, render: 'none' }, {}));
  const log = { info: () => {}, warn: () => {}, secret: () => {}, group: <T>(_t: string, body: () => Promise<T>) => body() };
  const report = await runValidation(inputs, { ...deps, parallel }, { cwd: dir, env: {}, log });
  resources = report.counts.resources;
  errors = report.counts.errors;
}
const ms = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({ ms, resources, errors, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000) })}\n`,
);
