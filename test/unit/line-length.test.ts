/**
 * No line of source, tests, scripts or benches is over 140 characters, but where a formatter cannot
 * break it: a line that holds one long literal (a string, a template or a regular expression of more
 * than 80 characters, such as an expected message). biome's formatter (lineWidth 140, checked by the
 * test command) breaks everything else.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const LIMIT = 140;
const LONG_LITERAL = 80;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') yield* sources(path);
    } else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** The longest quoted, template or regular-expression literal on a line (a scan good enough for a length rule). */
function longestLiteral(line: string): number {
  let longest = 0;
  for (const match of line.matchAll(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|\/(?:[^/\\\n]|\\.)+\/[dgimsuyv]*/g)) {
    longest = Math.max(longest, match[0].length);
  }
  // A line inside a multi-line template (page text, CSS) is literal text as a whole.
  return longest;
}

function inTemplate(lines: readonly string[], index: number): boolean {
  let open = false;
  for (let i = 0; i < index; i++) {
    for (const m of lines[i]!.matchAll(/\\.|`/g)) if (m[0] === '`') open = !open;
  }
  return open;
}

test('no line over 140 characters, but one long literal a formatter cannot break', () => {
  const over: string[] = [];
  for (const folder of ['src', 'test', 'scripts', 'bench']) {
    for (const file of sources(join(ROOT, folder))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if (line.length <= LIMIT) continue;
        if (longestLiteral(line) > LONG_LITERAL || inTemplate(lines, i)) continue;
        over.push(`${relative(ROOT, file)}:${i + 1} (${line.length})`);
      }
    }
  }
  assert.deepEqual(over, []);
});
