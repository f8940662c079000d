/** Resource quantities compared by amount. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity, sameQuantity } from '../../../../src/core/drift/quantity.ts';

const same: [unknown, unknown][] = [
  ['1000m', '1'],
  ['1', 1],
  ['0.5', '500m'],
  ['.5', '500m'],
  ['1Gi', '1024Mi'],
  ['1.5Gi', '1536Mi'],
  ['1k', '1000'],
  ['1e3', '1k'],
  ['1M', '1000k'],
  ['100n', '0.1u'],
  ['2Ki', '2048'],
  ['0', '0m'],
];
const different: [unknown, unknown][] = [
  ['1G', '1Gi'],
  ['100m', '1'],
  ['1Mi', '1M'],
  ['250m', '0.3'],
];

test('same amounts written differently are equal', () => {
  for (const [a, b] of same) assert.ok(sameQuantity(a, b), `${a} = ${b}`);
});
test('different amounts are not', () => {
  for (const [a, b] of different) assert.ok(!sameQuantity(a, b), `${a} != ${b}`);
});
test('text that is no quantity is not one', () => {
  for (const text of ['', 'abc', '1Qi', '1..2', 'Gi', '1 Gi']) assert.equal(parseQuantity(text), undefined, text);
});
