/**
 * A reporter for Node's test runner that prints, at the end, the test files by the time their top-level
 * tests took (slowest first) and any failure. Top-level tests of a file run one after another, so their
 * sum is the file's time less the process start. For finding what makes the suite slow:
 *
 *   node --test --test-concurrency=2 --test-reporter=./scripts/test-durations.ts 'test/integration/**\/*.test.ts'
 */
import { relative } from 'node:path';

interface TestEvent {
  readonly type: string;
  readonly data: {
    readonly file?: string;
    readonly nesting: number;
    readonly name: string;
    readonly details?: { readonly duration_ms?: number };
  };
}

/** The reporter: consumes the runner's events, yields the report text. */
export default async function* durations(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const files = new Map<string, { ms: number; tests: number; failed: number }>();
  const failures: string[] = [];
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0) continue;
    const file = event.data.file ? relative(process.cwd(), event.data.file) : '(unknown file)';
    const entry = files.get(file) ?? { ms: 0, tests: 0, failed: 0 };
    entry.ms += event.data.details?.duration_ms ?? 0;
    entry.tests += 1;
    if (event.type === 'test:fail') {
      entry.failed += 1;
      failures.push(`${file}: ${event.data.name}`);
    }
    files.set(file, entry);
  }
  const sorted = [...files].sort((a, b) => b[1].ms - a[1].ms);
  for (const [file, { ms, failed }] of sorted)
    yield `${(ms / 1000).toFixed(1).padStart(7)} s  ${file}${failed ? `  (${failed} failed)` : ''}\n`;
  const total = sorted.reduce((sum, [, { ms }]) => sum + ms, 0);
  yield `${(total / 1000).toFixed(1).padStart(7)} s  in ${sorted.length} files (sum of top-level tests)\n`;
  for (const failure of failures) yield `FAILED ${failure}\n`;
}
