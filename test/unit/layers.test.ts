import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { type ImportEdge, importCycles, importGraph, importsOf, layerViolations } from '../helpers/import-graph.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

describe('the layers of src/', () => {
  test('no import goes against the layers', async () => {
    const edges = await importGraph(SRC);
    assert.ok(edges.length > 500, `only ${edges.length} imports read from src/`);
    assert.deepEqual(layerViolations(edges), []);
  });

  test('no import cycle', async () => {
    assert.deepEqual(importCycles(await importGraph(SRC)), []);
  });
});

/** A graph of imaginary files, each edge `from → relative specifier`. */
function graph(...pairs: [string, string][]): ImportEdge[] {
  return pairs.flatMap(([from, specifier]) => importsOf(from, `import { x } from '${specifier}';\n`));
}

describe('the layer rules themselves', () => {
  const wrong: [string, string, RegExp][] = [
    ['core/a.ts', '../adapters/b.ts', /core imports nothing outside core/],
    ['core/edit/a.ts', '../../steps/shared/b.ts', /core imports nothing outside core/],
    ['adapters/git/a.ts', '../../steps/shared/types.ts', /adapters never import steps/],
    ['adapters/a.ts', '../specs/bump.ts', /adapters never import specs/],
    ['adapters/a.ts', '../platform/run.ts', /adapters never import platform/],
    ['steps/bump/step.ts', '../../platform/inputs.ts', /steps never import platform/],
    ['steps/promote/step.ts', '../bump/step.ts', /steps\/promote → steps\/bump/],
    ['steps/shared/a.ts', '../rollback/inputs.ts', /steps\/shared → steps\/rollback/],
    ['platform/main.ts', '../entry/cli.ts', /nothing imports entry/],
  ];
  for (const [from, specifier, rule] of wrong) {
    test(`${from} → ${specifier} is refused`, () => {
      const found = layerViolations(graph([from, specifier]));
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0]!, rule);
      assert.match(found[0]!, new RegExp(`^${from}:1 `));
    });
  }

  test('the allowed arrows pass', () => {
    const allowed = graph(
      ['steps/bump/step.ts', '../shared/identity.ts'],
      ['steps/bump/step.ts', './deps.ts'],
      ['steps/shared/a.ts', '../../core/errors.ts'],
      ['steps/verify/step.ts', '../../adapters/git/git-repo.ts'],
      ['platform/main.ts', '../steps/shared/types.ts'],
      ['entry/verify.ts', '../steps/rollback/step.ts'],
      ['core/edit/a.ts', '../errors.ts'],
      ['core/a.ts', 'yaml'],
    );
    assert.deepEqual(layerViolations(allowed), []);
  });

  test('type-only imports, re-exports and dynamic imports are arrows too', () => {
    const text = [
      "import type { A } from '../bump/a.ts';",
      "export { b } from '../verify/b.ts';",
      "const c = await import('../rollback/c.ts');",
      '// import { d } from "../status/d.ts";',
      'const e = \'import("../history/e.ts")\';',
    ].join('\n');
    const edges = importsOf('steps/promote/step.ts', text);
    assert.deepEqual(
      edges.map((e) => [e.to, e.line, e.dynamic]),
      [
        ['steps/bump/a.ts', 1, false],
        ['steps/verify/b.ts', 2, false],
        ['steps/rollback/c.ts', 3, true],
      ],
    );
    assert.equal(layerViolations(edges).length, 3);
  });

  test('a dynamic import the rules cannot read is an error', () => {
    assert.throws(
      () => importsOf('entry/x.ts', 'const name = "./a.ts";\nawait import(name);\n'),
      /entry\/x.ts:2: import\(name\) is not a string literal/,
    );
  });

  test('a cycle is reported as the path that closes it', () => {
    const cycles = importCycles(
      graph(
        ['steps/promote/step.ts', './output.ts'],
        ['steps/promote/output.ts', './stories.ts'],
        ['steps/promote/stories.ts', './step.ts'],
        ['steps/promote/step.ts', './types.ts'],
        ['core/a.ts', './a.ts'],
      ),
    );
    assert.deepEqual(cycles, [
      'core/a.ts → core/a.ts',
      'steps/promote/output.ts → steps/promote/stories.ts → steps/promote/step.ts → steps/promote/output.ts',
    ]);
  });
});
