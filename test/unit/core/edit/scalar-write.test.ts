import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { needsQuotes, renderScalar, resolvesToNonString } from '../../../../src/core/edit/index.ts';

/** value → must it be quoted when written where a plain value was (block context)? */
const DECISIONS: ReadonlyArray<readonly [string, boolean]> = [
  // numbers, YAML 1.2 core and 1.1
  ['1.10', true],
  ['1.', true],
  ['.5', true],
  ['1e3', true],
  ['1E3', true],
  ['1e+3', true],
  ['0123', true],
  ['0755', true],
  ['08', true],
  ['1234567', true],
  ['20240627', true],
  ['+1', true],
  ['-1', true],
  ['0x1F', true],
  ['0o17', true],
  ['0b101', true],
  ['1_000', true],
  ['1:20', true],
  ['.inf', true],
  ['-.Inf', true],
  ['.nan', true],
  // booleans and null, YAML 1.1 included
  ['true', true],
  ['False', true],
  ['yes', true],
  ['No', true],
  ['y', true],
  ['N', true],
  ['on', true],
  ['OFF', true],
  ['null', true],
  ['~', true],
  ['', true],
  // dates (YAML 1.1 timestamps)
  ['2024-06-27', true],
  ['2024-6-7', true],
  // YAML 1.1 merge and value keys
  ['<<', true],
  ['=', true],
  // cannot be plain at all
  ['-', true],
  ['a: b', true],
  ['a #b', true],
  ['#x', true],
  ['*x', true],
  ['&x', true],
  ['!x', true],
  ['@x', true],
  ['%x', true],
  ['`x', true],
  ['|x', true],
  ['>x', true],
  ['[x', true],
  ['{x', true],
  [' x', true],
  ['x ', true],
  // ordinary tags and references stay plain
  ['1.2.3', false],
  ['v1.10', false],
  ['v1', false],
  ['1.0-rc1', false],
  ['1.25.3-alpine', false],
  ['latest', false],
  ['main-2024-06-27', false],
  ['2024.06.27', false],
  ['deadbeef', false],
  ['1e', false],
  ['12e3x', false],
  ['nan', false],
  ['inf', false],
  ['Infinity', false],
  ['yess', false],
  ['x,y', false],
  [`sha256:${'a'.repeat(64)}`, false],
  ['localhost:5000/app:1', false],
  ['nginx:1.27@sha256:abc', false],
];

describe('quoting decisions', () => {
  for (const [value, quoted] of DECISIONS) {
    it(`${JSON.stringify(value)} ${quoted ? 'is' : 'is not'} quoted`, () => {
      assert.equal(needsQuotes(value), quoted);
    });
  }

  it('quotes every value that YAML 1.1 or 1.2 would not read back as the same string (checked with the yaml library)', () => {
    for (const [value] of DECISIONS) {
      if (needsQuotes(value)) continue;
      for (const version of ['1.1', '1.2'] as const) {
        assert.equal(parse(`k: ${value}\n`, { version }).k, value, `${value} under YAML ${version}`);
        if (!needsQuotes(value, true)) assert.equal(parse(`{k: ${value}}`, { version }).k, value, `${value} in a flow map`);
      }
    }
  });

  it('writes every quoted value so that it reads back as the same string', () => {
    for (const [value] of DECISIONS) {
      const written = renderScalar(value, 'PLAIN', false);
      for (const version of ['1.1', '1.2'] as const)
        assert.equal(parse(`k: ${written}\n`, { version }).k, value, `${written} under ${version}`);
    }
  });

  it('resolvesToNonString agrees with the yaml library on the number/bool/null/date samples', () => {
    const words = DECISIONS.map(([value]) => value).filter((value) => /^[\w.+~<=:][\w.+~<=:-]*$/.test(value));
    for (const value of words) {
      const asRead = [parse(`k: ${value}\n`, { version: '1.1' })?.k, parse(`k: ${value}\n`, { version: '1.2' })?.k];
      if (asRead.some((read) => read !== value)) assert.ok(resolvesToNonString(value), value);
    }
  });

  it('quotes flow indicators only inside flow collections', () => {
    assert.equal(needsQuotes('x,y', false), false);
    assert.equal(needsQuotes('x,y', true), true);
    assert.equal(needsQuotes('a]', true), true);
  });
});

describe('renderScalar keeps the style', () => {
  const ROWS: ReadonlyArray<readonly [string, 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE', string, boolean?]> = [
    ['1.2.3', 'PLAIN', '1.2.3'],
    ['1.10', 'PLAIN', '"1.10"'],
    ['1.10', 'PLAIN', '1.10', true],
    ['1.10', 'QUOTE_SINGLE', "'1.10'"],
    ["it's", 'QUOTE_SINGLE', "'it''s'"],
    ['1.10', 'QUOTE_DOUBLE', '"1.10"'],
    ['a"b\\c', 'QUOTE_DOUBLE', '"a\\"b\\\\c"'],
    ['a\nb', 'QUOTE_SINGLE', '"a\\nb"'],
    ['a: b', 'PLAIN', '"a: b"'],
  ];
  for (const [value, style, written, explicitString] of ROWS) {
    it(`${JSON.stringify(value)} as ${style}${explicitString ? ' with !!str' : ''} → ${written}`, () => {
      assert.equal(renderScalar(value, style, false, explicitString), written);
    });
  }
});
