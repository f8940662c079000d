/**
 * The test command: static checks (types, lint, generated files), then every test with Node's runner.
 * `node scripts/test.ts unit` runs only the unit tests.
 */
import './need-node.cjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const only = process.argv[2];
const bin = (name: string) => join(root, 'node_modules/.bin', name);

function run(label: string, command: string, args: string[]): void {
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stdout.write(`${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (!only) {
  run('type-check', bin('tsc'), ['--noEmit', '-p', '.']);
  run('lint', bin('biome'), ['lint', 'src', 'test', 'scripts', 'bench']);
  run('format', bin('biome'), ['format', 'src', 'test', 'scripts', 'bench']);
  run('generated files', process.execPath, ['scripts/generate.ts', '--check']);
}
// Unit tests are pure (no servers, no shared state between files): they run in one process, which saves
// starting a Node and loading the sources once per file (about half the unit phase's time and most of
// its CPU). Integration and e2e files start servers and tools: one process each, two at a time.
if (!only || only === 'unit')
  run('unit tests', process.execPath, ['--test', '--test-isolation=none', '--test-reporter=spec', 'test/unit/**/*.test.ts']);
const globs = only ? (only === 'unit' ? [] : [`test/${only}/**/*.test.ts`]) : ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];
// A test that waits for an event that never comes fails after ten minutes instead of holding CI until
// its own limit: generous for the slowest test on a loaded two-core machine (about a minute).
if (globs.length > 0)
  run('integration and e2e tests', process.execPath, [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=600000',
    '--test-reporter=spec',
    ...globs,
  ]);
