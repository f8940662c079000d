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
  run('generated files', process.execPath, ['scripts/generate.ts', '--check']);
}
const globs = only ? [`test/${only}/**/*.test.ts`] : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];
run('tests', process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...globs]);
