import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseCatFileBatch } from '../../../../src/adapters/git/git-history.ts';

/** `cat-file --batch` output for blobs given as bytes. */
function batch(blobs: ReadonlyArray<[string, Buffer]>): Buffer {
  return Buffer.concat(blobs.flatMap(([oid, bytes]) => [Buffer.from(`${oid} blob ${bytes.length}\n`), bytes, Buffer.from('\n')]));
}

it('cuts blobs by byte count: invalid UTF-8 in one blob does not shift the next', () => {
  const bad = Buffer.from([0x23, 0x20, 0xff, 0xfe, 0xff, 0xc3, 0x0a, 0x61, 0x3a, 0x20, 0x62, 0x0a]);
  const good = Buffer.from('images:\n  - name: ghcr.io/acme/api\n    newTag: 1.1.0\n');
  const parsed = parseCatFileBatch(
    batch([
      ['a'.repeat(40), bad],
      ['b'.repeat(40), good],
    ]),
  );
  assert.deepEqual(parsed.get('a'.repeat(40)), bad, 'the bytes as stored, not re-encoded');
  assert.equal(parsed.get('b'.repeat(40))!.toString('utf8'), good.toString('utf8'));
  // What decoding first would have done: U+FFFD takes three bytes where 0xff took one.
  const decodedFirst = Buffer.from(
    batch([
      ['a'.repeat(40), bad],
      ['b'.repeat(40), good],
    ]).toString('utf8'),
    'utf8',
  );
  assert.notEqual(
    decodedFirst.length,
    batch([
      ['a'.repeat(40), bad],
      ['b'.repeat(40), good],
    ]).length,
  );
});

it('skips missing objects and tolerates a header without a size', () => {
  const out = Buffer.concat([Buffer.from(`${'c'.repeat(40)} missing\n`), batch([['d'.repeat(40), Buffer.from('x: 1\n')]])]);
  const parsed = parseCatFileBatch(out);
  assert.equal(parsed.size, 1);
  assert.equal(parsed.get('d'.repeat(40))!.toString(), 'x: 1\n');
});
