import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';

/**
 * An input or output that two specs declare alike is declared once (specs/env-inputs.ts,
 * specs/env-outputs.ts) and used by both, so a change of wording reaches every step.
 */
describe('shared declarations', () => {
  for (const kind of ['inputs', 'outputs'] as const) {
    test(`no two specs carry copies of the same ${kind.slice(0, -1)}`, () => {
      const seen = new Map<string, { declaration: object; spec: string }>();
      const copies: string[] = [];
      for (const spec of [...stepSpecs, ...cliOnlySpecs]) {
        for (const declaration of spec[kind] as readonly object[]) {
          const key = JSON.stringify(declaration);
          const first = seen.get(key);
          if (!first) seen.set(key, { declaration, spec: spec.name });
          else if (first.declaration !== declaration) copies.push(`${first.spec} and ${spec.name}: ${key}`);
        }
      }
      assert.deepEqual(copies, []);
    });
  }
});
