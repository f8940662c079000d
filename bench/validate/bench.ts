/**
 * validate throughput: resources per second over a generated corpus (default 100,000 resources in
 * 20,000 files, mixed kinds, 5% invalid), in one process, as the step runs it (read, parse, built-in
 * schemas in strict mode, policies, report). Prints the median of several runs, the non-strict run
 * for comparison, and peak memory. Never asserts on time.
 *
 *   node bench/validate/bench.ts [--files 20000] [--per-file 5] [--runs 3]
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LineCounter, parseAllDocuments } from 'yaml';
import { fastReadStream, YAML_READ_OPTIONS } from '../../src/core/validate/fast-yaml.ts';
import { parseInputs } from '../../src/platform/inputs.ts';
import { validateSpec } from '../../src/specs/validate.ts';
import type { StepContext } from '../../src/steps/shared/types.ts';
import { defaultValidateDeps, runValidation } from '../../src/steps/validate/step.ts';
import { validateInputs } from '../../src/steps/validate/inputs.ts';
import { generateCorpus } from './generate-corpus.ts';

const { values } = parseArgs({ options: { files: { type: 'string', default: '20000' }, 'per-file': { type: 'string', default: '5' }, runs: { type: 'string', default: '3' } } });
const files = Number(values.files);
const perFile = Number(values['per-file']);
const runs = Number(values.runs);

const dir = await mkdtemp(join(tmpdir(), 'baton-validate-bench-'));
const context: StepContext = { cwd: dir, env: {}, log: { info: () => {}, warn: () => {}, secret: () => {}, group: (_t, body) => body() } };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function once(strict: boolean): Promise<{ ms: number; resources: number; errors: number }> {
  const inputs = validateInputs(parseInputs(validateSpec, { paths: '.', render: 'none', strict: String(strict) }, {}));
  const start = performance.now();
  const report = await runValidation(inputs, defaultValidateDeps(), context);
  return { ms: performance.now() - start, resources: report.counts.resources, errors: report.findings.filter((f) => f.level === 'error').length };
}

/** Parse-only comparison: the fast reader against the naive way (the yaml package with positions for every value). */
async function parseOnly(): Promise<void> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  let t = performance.now();
  let fastDocs = 0;
  for (const text of texts) fastDocs += fastReadStream(text)?.length ?? 0;
  const fastMs = performance.now() - t;
  t = performance.now();
  let slowDocs = 0;
  for (const text of texts) {
    for (const doc of parseAllDocuments(text, { ...YAML_READ_OPTIONS, lineCounter: new LineCounter(), uniqueKeys: true }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      doc.toJS();
      slowDocs++;
    }
  }
  const slowMs = performance.now() - t;
  console.log(`parse only: fast reader ${(fastMs / 1000).toFixed(2)} s (${fastDocs} documents), yaml with positions ${(slowMs / 1000).toFixed(2)} s (${slowDocs}): ${(slowMs / fastMs).toFixed(1)}x`);
}

try {
  const t0 = performance.now();
  const invalid = await generateCorpus({ dir, files, perFile, invalid: 0.05 });
  console.log(`corpus: ${files * perFile} resources in ${files} files, ${invalid} invalid (${((performance.now() - t0) / 1000).toFixed(1)} s to write)`);
  const strictRuns: number[] = [];
  let last = { ms: 0, resources: 0, errors: 0 };
  for (let i = 0; i < runs; i++) {
    last = await once(true);
    strictRuns.push(last.ms);
    console.log(`  run ${i + 1}: ${(last.ms / 1000).toFixed(2)} s, ${Math.round(last.resources / (last.ms / 1000))} resources/s, ${last.errors} errors`);
  }
  const loose = await once(false);
  const m = median(strictRuns);
  console.log(`strict (default): median ${(m / 1000).toFixed(2)} s over ${runs} runs = ${Math.round(last.resources / (m / 1000))} resources/s`);
  console.log(`non-strict:       ${(loose.ms / 1000).toFixed(2)} s = ${Math.round(loose.resources / (loose.ms / 1000))} resources/s (strict costs ${(m / loose.ms).toFixed(2)}x)`);
  console.log(`peak memory (max RSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  await parseOnly();
} finally {
  await rm(dir, { recursive: true, force: true });
}
