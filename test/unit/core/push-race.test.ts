import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageSite } from '../../../src/core/edit/types.ts';
import { parseImageRef } from '../../../src/core/image-ref.ts';
import { supersededImages } from '../../../src/core/push-race.ts';

const API = 'ghcr.io/acme/api';

function sites(...refs: string[]): Map<string, ImageSite[]> {
  const list = refs.map(
    (ref, i): ImageSite => ({ file: `envs/staging/f${i}.yaml`, line: 3, column: 5, kind: 'kustomize', image: parseImageRef(ref) }),
  );
  return new Map([[API, list]]);
}

function request(ref: string, allowDowngrade = false) {
  return { images: [parseImageRef(ref)], allowDowngrade };
}

describe('supersededImages', () => {
  it('an image nobody else wrote since the bump read it is not superseded', () => {
    assert.deepEqual(supersededImages(sites(`${API}:sha-1`), sites(`${API}:sha-1`), request(`${API}:sha-3`)), []);
  });

  it('a sha tag another run wrote after this one read the environment wins: the stale request expires', () => {
    const found = supersededImages(sites(`${API}:sha-1`), sites(`${API}:sha-2`), request(`${API}:sha-0`));
    assert.deepEqual(found, [{ image: API, wanted: 'sha-0', landed: 'sha-2' }]);
  });

  it('compares by what landed, not by tag order: a "higher-looking" stale sha tag expires too', () => {
    assert.equal(supersededImages(sites(`${API}:sha-aaaa`), sites(`${API}:sha-0000`), request(`${API}:sha-ffff`)).length, 1);
  });

  it('semantic versions are left to the downgrade rule, which keeps the higher one on any head', () => {
    assert.deepEqual(supersededImages(sites(`${API}:1.0.0`), sites(`${API}:1.2.0`), request(`${API}:1.3.0`)), []);
    assert.deepEqual(supersededImages(sites(`${API}:1.0.0`), sites(`${API}:1.2.0`), request(`${API}:1.1.0`)), []);
  });

  it('with allow-downgrade, a version written meanwhile is not overwritten by a stale request either', () => {
    assert.equal(supersededImages(sites(`${API}:1.0.0`), sites(`${API}:1.2.0`), request(`${API}:0.9.0`, true)).length, 1);
  });

  it('a head that already holds the wanted value, or a digest change, is judged by value', () => {
    assert.deepEqual(supersededImages(sites(`${API}:sha-1`), sites(`${API}:sha-3`), request(`${API}:sha-3`)), []);
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(
      supersededImages(sites(`${API}:1.0.0`), sites(`${API}:1.0.0@${digest}`), request(`${API}:1.0.0@sha256:${'b'.repeat(64)}`)).length,
      1,
    );
  });
});
