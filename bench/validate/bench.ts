/**
 * validate throughput and cost, printed as medians and ratios (never asserted on):
 * - resources per second over a generated corpus (default 100,000 resources in 20,000 files, mixed
 *   kinds, 5% invalid), as the step runs it (read, parse, built-in schemas in strict mode, policies,
 *   report): with worker threads (the default on a machine with two or more cores) against one thread;
 * - peak memory of a 100,000-item `List` against the naive way (the yaml package's node tree);
 * - a 300-resource environment validated as a whole process (`baton validate`, start-up included)
 *   against a bare `node` start, from dist/cli when it is built, else from source.
 *
 *   node bench/validate/bench.ts [--files 20000] [--per-file 5] [--runs 3] [--list-items 100000] [--env-runs 10]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LineCounter, parseAllDocuments } from 'yaml';
import { fastReadStream, YAML_READ_OPTIONS } from '../../src/core/validate/fast-yaml.ts';
import { generateCorpus } from './generate-corpus.ts';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    'per-file': { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    'list-items': { type: 'string', default: '100000' },
    'env-runs': { type: 'string', default: '10' },
  },
});
const files = Number(values.files);
const perFile = Number(values['per-file']);
const runs = Number(values.runs);
const listItems = Number(values['list-items']);
const envRuns = Number(values['env-runs']);
const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'child.ts');

interface ChildResult {
  readonly ms: number;
  readonly resources: number;
  readonly errors: number;
  readonly maxRssMiB: number;
  readonly cpuMs: number;
}

/** One validate run in a fresh process (fresh heap, its own peak memory). */
function child(dir: string, path: string, extra: readonly string[] = []): ChildResult {
  const result = spawnSync(process.execPath, [CHILD, dir, path, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`bench child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildResult;
}

const dir = await mkdtemp(join(tmpdir(), 'baton-validate-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Parse-only comparison: the fast reader against the naive way (the yaml package with positions for every value). */
async function parseOnly(): Promise<void> {
  const texts: string[] = [];
  for (const entry of await readdir(join(dir, 'corpus'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  let t = performance.now();
  let fastDocs = 0;
  for (const text of texts) fastDocs += fastReadStream(text)?.length ?? 0;
  const fastMs = performance.now() - t;
  t = performance.now();
  let slowDocs = 0;
  for (const text of texts) {
    for (const doc of parseAllDocuments(text, { ...YAML_READ_OPTIONS, lineCounter: new LineCounter(), uniqueKeys: true }) as ReturnType<
      typeof parseAllDocuments
    > &
      unknown[]) {
      doc.toJS();
      slowDocs++;
    }
  }
  const slowMs = performance.now() - t;
  console.log(
    `parse only: fast reader ${(fastMs / 1000).toFixed(2)} s (${fastDocs} documents), yaml with positions ` +
      `${(slowMs / 1000).toFixed(2)} s (${slowDocs}): ${(slowMs / fastMs).toFixed(1)}x`,
  );
}

/** A 100,000-item List: peak memory of validate against the yaml package's node tree of it. */
async function listMemory(dir: string): Promise<void> {
  const lines = ['apiVersion: v1', 'kind: List', 'items:'];
  for (let i = 0; i < listItems; i++)
    lines.push(
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      `    metadata: {name: cm-${i}${i % 20 === 0 ? ', colour: red' : ''}}`,
      `    data: {key: value-${i}}`,
    );
  await mkdir(join(dir, 'list'), { recursive: true });
  await writeFile(join(dir, 'list/list.yaml'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'list/one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
  const base = child(dir, 'list/one.yaml');
  const list = child(dir, 'list/list.yaml');
  const naive = child(dir, 'list/list.yaml', ['--naive-list']);
  console.log(
    `List of ${listItems} items (${list.errors} findings): validate peak RSS ${list.maxRssMiB} MiB in ${(list.ms / 1000).toFixed(2)} ` +
      `s; one resource ${base.maxRssMiB} MiB; yaml node tree alone ${naive.maxRssMiB} MiB ` +
      `(${(naive.maxRssMiB / list.maxRssMiB).toFixed(1)}x validate)`,
  );
}

/** A 300-resource environment validated as a whole process, against a bare node start. */
async function wholeProcess(dir: string): Promise<void> {
  await generateCorpus({ dir: join(dir, 'env300'), files: 60, perFile: 5, invalid: 0 });
  const bundle = join(ROOT, 'dist/cli/index.cjs');
  const command = existsSync(bundle) ? [bundle] : [join(ROOT, 'src/entry/cli.ts')];
  const time = (args: readonly string[]) => {
    const t = performance.now();
    spawnSync(process.execPath, args, { cwd: join(dir, 'env300'), encoding: 'utf8' });
    return performance.now() - t;
  };
  time([...command, 'validate', '.']); // fills Node's compile cache, as any later run in a job finds it
  const full: number[] = [];
  const bare: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < envRuns; i++) {
    full.push(time([...command, 'validate', '.', '--output', 'json', '--output-file', join(dir, 'env300.json')]));
    help.push(time([...command, 'validate', '--help']));
    bare.push(time(['-e', '0']));
  }
  const report = JSON.parse(await readFile(join(dir, 'env300.json'), 'utf8')) as { counts: { resources: number } };
  console.log(
    `300-resource environment as a process (${command[0]!.endsWith('.cjs') ? 'dist/cli' : 'source'}, ${report.counts.resources} ` +
      `resources): median ${(median(full) / 1000).toFixed(3)} s; start-up alone (validate --help) ${(median(help) / 1000).toFixed(3)} ` +
      `s; bare node ${(median(bare) / 1000).toFixed(3)} s; validate's own work ${((median(full) - median(help)) / 1000).toFixed(3)} s`,
  );
}

try {
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start`,
  );
  const t0 = performance.now();
  const invalid = await generateCorpus({ dir: join(dir, 'corpus'), files, perFile, invalid: 0.05 });
  console.log(
    `corpus: ${files * perFile} resources in ${files} files, ${invalid} invalid (${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `to write)`,
  );
  const parallel: number[] = [];
  const single: number[] = [];
  let last: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    last = child(dir, 'corpus');
    parallel.push(last.ms);
    const one = child(dir, 'corpus', ['--workers', '0']);
    single.push(one.ms);
    console.log(
      `  run ${i + 1}: threads ${(last.ms / 1000).toFixed(2)} s = ${Math.round(last.resources / (last.ms / 1000))} resources/s ` +
        `(${last.errors} errors, ${last.maxRssMiB} MiB, ${last.cpuMs} CPU-ms); one thread ${(one.ms / 1000).toFixed(2)} s = ` +
        `${Math.round(one.resources / (one.ms / 1000))} resources/s (${one.cpuMs} CPU-ms)`,
    );
  }
  const resources = last?.resources ?? 0;
  const m = median(parallel);
  const s1 = median(single);
  console.log(
    `strict (default), ${availableParallelism()} threads: median ${(m / 1000).toFixed(2)} s over ${runs} runs = ` +
      `${Math.round(resources / (m / 1000))} resources/s`,
  );
  console.log(
    `strict, one thread:    median ${(s1 / 1000).toFixed(2)} s = ${Math.round(resources / (s1 / 1000))} resources/s (threads ` +
      `${(s1 / m).toFixed(2)}x faster)`,
  );
  await parseOnly();
  await listMemory(dir);
  await wholeProcess(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
