/** A Node binary older than 24, for the tests that check Baton stops plainly on one. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The major version of the Node at `path`, or undefined when it does not run. */
function majorOf(path: string): number | undefined {
  try {
    return Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/**
 * The first Node older than 24: the system's `/usr/bin/node` (Debian ships 20), else any `node` on PATH.
 * Throws (the test fails, never skips) when there is none.
 */
export function oldNode(): { path: string; major: number } {
  const candidates = [
    '/usr/bin/node',
    '/usr/local/bin/node',
    ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'node')),
  ];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const major = majorOf(path);
    if (major !== undefined && major < 24) return { path, major };
  }
  throw new Error(`no Node older than 24 found (looked at ${candidates.join(', ')}); install Debian's nodejs (Node 20) to run this test`);
}
