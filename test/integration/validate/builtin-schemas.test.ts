/** The built-in schema table: fresh for the installed kubernetes-models, and every entry loads. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hasBuiltinSchema, loadBuiltinSchema } from '../../../src/adapters/schemas/builtin.ts';
import { BUILTIN_KINDS } from '../../../src/adapters/schemas/builtin-kinds.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('built-in schemas', () => {
  test('builtin-kinds.ts matches the installed kubernetes-models', () => {
    const result = spawnSync(process.execPath, ['src/adapters/schemas/generate-builtin-kinds.ts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
  });

  test('every kind in the table loads a validator', async () => {
    const keys = Object.keys(BUILTIN_KINDS);
    assert.ok(keys.length > 200, `${keys.length} kinds`);
    for (const key of keys) {
      const slash = key.lastIndexOf('/');
      const validate = await loadBuiltinSchema(key.slice(0, slash), key.slice(slash + 1), true);
      assert.equal(typeof validate, 'function', key);
    }
    assert.ok(hasBuiltinSchema('apps/v1', 'Deployment') && hasBuiltinSchema('v1', 'Pod') && !hasBuiltinSchema('example.com/v1', 'Widget'));
  });
});
