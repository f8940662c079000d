/**
 * Golden before/after files: every case under test/fixtures/golden/<case>/ is run through planEdits
 * and the result compared byte for byte. A case is `before.<ext>` + `expected.<ext>` (one file, passed
 * to planEdits under the name `case.json#file`), or `before/` + `expected/` trees (several files;
 * `expected/` holds every file, changed or not). No expected file means no change. `case.json` holds
 * the images, pin and options, and the expected number of changes and skipped sites, or an error.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type EditOptions, type Pin, planEdits } from '../../../../src/core/edit/index.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { imageName, parseImageRef } from '../../../../src/core/image-ref.ts';
import { valueDiffProblems } from '../../../helpers/value-diff.ts';

const GOLDEN = fileURLToPath(new URL('../../../fixtures/golden/', import.meta.url));

interface CaseMeta {
  readonly description: string;
  readonly file?: string;
  readonly root?: string;
  readonly images: readonly string[];
  readonly pin: Pin;
  readonly allowDowngrade?: boolean;
  readonly policies?: Record<string, string>;
  readonly policy?: string;
  /** The case adds a whole kustomize `images:` entry, more than values: the value-only diff check does not apply. */
  readonly addsEntry?: boolean;
  readonly changes?: number;
  readonly skipped?: number;
  readonly error?: string;
}

interface GoldenCase {
  readonly name: string;
  readonly meta: CaseMeta;
  /** Path as passed to planEdits → text before and expected text after. */
  readonly files: ReadonlyMap<string, { readonly before: string; readonly expected: string | undefined }>;
  /** Files of `bases/` (read only, passed as `bases`): what the environment's kustomization builds on. */
  readonly bases?: ReadonlyMap<string, string>;
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = join(dir, entry);
      return statSync(full).isDirectory() ? walk(full, `${prefix}${entry}/`) : [`${prefix}${entry}`];
    });
}

function loadCase(name: string): GoldenCase {
  const dir = join(GOLDEN, name);
  const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseMeta;
  const files = new Map<string, { before: string; expected: string | undefined }>();
  if (existsSync(join(dir, 'before'))) {
    for (const file of walk(join(dir, 'before'))) {
      const expected = join(dir, 'expected', file);
      files.set(file, {
        before: readFileSync(join(dir, 'before', file), 'utf8'),
        expected: existsSync(expected) ? readFileSync(expected, 'utf8') : undefined,
      });
    }
  } else {
    const before = readdirSync(dir).find((entry) => entry.startsWith('before.'));
    assert.ok(before, `${name}: no before file`);
    const ext = before.slice('before.'.length);
    const expected = join(dir, `expected.${ext}`);
    files.set(meta.file ?? before, {
      before: readFileSync(join(dir, before), 'utf8'),
      expected: existsSync(expected) ? readFileSync(expected, 'utf8') : undefined,
    });
  }
  const bases = existsSync(join(dir, 'bases'))
    ? new Map(walk(join(dir, 'bases')).map((file) => [file, readFileSync(join(dir, 'bases', file), 'utf8')]))
    : undefined;
  return { name, meta, files, ...(bases === undefined ? {} : { bases }) };
}

function optionsOf(meta: CaseMeta, bases?: ReadonlyMap<string, string>): EditOptions {
  return {
    ...(bases === undefined ? {} : { bases }),
    pin: meta.pin,
    allowDowngrade: meta.allowDowngrade ?? false,
    ...(meta.policies === undefined ? {} : { policies: meta.policies }),
    ...(meta.root === undefined ? {} : { root: meta.root }),
    ...(meta.policy === undefined ? {} : { policy: meta.policy }),
  };
}

function runCase(golden: GoldenCase): void {
  const { meta } = golden;
  const images = meta.images.map((image) => parseImageRef(image));
  const inputs = new Map([...golden.files].map(([file, { before }]) => [file, before]));
  if (meta.error !== undefined) {
    assert.throws(
      () => planEdits(inputs, images, optionsOf(meta, golden.bases)),
      (error: unknown) => error instanceof UserError && error.message.includes(meta.error!),
    );
    return;
  }
  const plan = planEdits(inputs, images, optionsOf(meta, golden.bases));
  const edited = new Map(plan.edits.map((edit) => [edit.file, edit]));
  for (const [file, { before, expected }] of golden.files) {
    const after = edited.get(file)?.after ?? before;
    // Compare bytes, not strings: a BOM or a CR must be exactly where the expected file has it.
    assert.deepEqual(
      Buffer.from(after, 'utf8'),
      Buffer.from(expected ?? before, 'utf8'),
      `${golden.name}: ${file} differs from the expected bytes`,
    );
    assert.equal(edited.has(file), after !== before, `${golden.name}: ${file} listed as edited without a change`);
    if (meta.addsEntry !== true) assert.deepEqual(valueDiffProblems(before, after), [], `${golden.name}: ${file} changed more than values`);
  }
  assert.equal(plan.edits.flatMap((edit) => edit.changes).length, meta.changes ?? 0, `${golden.name}: number of changes`);
  assert.equal(plan.skipped.length, meta.skipped ?? 0, `${golden.name}: number of skipped sites`);
  for (const image of images)
    assert.ok((plan.sites.get(imageName(image))?.length ?? 0) > 0, `${golden.name}: no sites for ${imageName(image)}`);
  // Re-running the same bump on the result changes nothing (DESIGN §3: no empty commit).
  const again = planEdits(
    new Map([...inputs].map(([file, before]) => [file, edited.get(file)?.after ?? before])),
    images,
    optionsOf(meta, golden.bases),
  );
  assert.deepEqual(again.edits, [], `${golden.name}: a second run would change the files again`);
}

const cases = readdirSync(GOLDEN)
  .filter((entry) => statSync(join(GOLDEN, entry)).isDirectory())
  .sort()
  .map(loadCase);

describe('golden edits', () => {
  it('has at least 45 cases', () => {
    assert.ok(cases.length >= 45, `only ${cases.length} golden cases`);
  });
  for (const golden of cases) {
    it(`${golden.name}: ${golden.meta.description}`, () => runCase(golden));
  }
});
