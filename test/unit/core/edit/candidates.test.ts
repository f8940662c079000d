import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageNeedles, invalidUtf8Offset, mayHoldImage } from '../../../../src/core/edit/candidates.ts';
import { parseImageRef } from '../../../../src/core/image-ref.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('invalidUtf8Offset', () => {
  const cases: Array<[string, number[], number | undefined]> = [
    ['ASCII', [0x61, 0x62], undefined],
    ['two-, three- and four-byte forms', [0xc3, 0xa9, 0xe2, 0x80, 0x99, 0xf0, 0x9f, 0x98, 0x80], undefined],
    ['a BOM', [0xef, 0xbb, 0xbf, 0x61], undefined],
    ['a Latin-1 é', [0x61, 0xe9, 0x62], 1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong "/"', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence at the end', [0x61, 0x62, 0xe2, 0x80], 2],
  ];
  for (const [title, input, expected] of cases) {
    it(title, () => {
      assert.equal(invalidUtf8Offset(Uint8Array.from(input)), expected);
    });
  }
});

describe('mayHoldImage', () => {
  const needles = imageNeedles([parseImageRef('ghcr.io/acme/api:1.0.0')], false);
  const cases: Array<[string, string, boolean]> = [
    ['the whole name', 'image: ghcr.io/acme/api:1.0.0\n', true],
    ['the last segment split from its registry', 'registry: ghcr.io/acme\nrepository: api\n', true],
    ['a quoted segment', '{"repository":"api"}', true],
    ['a marker comment', 'tag: 1.0.0 # baton: ghcr.io/acme/api:tag\n', true],
    ['only inside other words', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  rapid: x\n  api-gateway: y\n', false],
    ['nothing', 'a: b\n', false],
  ];
  for (const [title, text, expected] of cases) it(title, () => assert.equal(mayHoldImage(bytes(text), needles), expected));

  it('with Flux policies, any file holding an $imagepolicy marker', () => {
    const flux = imageNeedles([parseImageRef('ghcr.io/acme/api:1.0.0')], true);
    const text = 'image: registry.example/other:1 # {"$imagepolicy": "flux-system:podinfo"}\n';
    assert.equal(mayHoldImage(bytes(text), flux), true);
    assert.equal(mayHoldImage(bytes(text), needles), false);
  });
});
