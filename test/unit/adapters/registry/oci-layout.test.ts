import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { DigestMismatchError } from '../../../../src/adapters/registry/digest.ts';
import { MediaType } from '../../../../src/adapters/registry/media-types.ts';
import { OciLayoutStore, placeEntry, REF_NAME_ANNOTATION } from '../../../../src/adapters/registry/oci-layout.ts';
import { parseLayoutReference } from '../../../../src/adapters/registry/open-image.ts';
import { NotFoundError } from '../../../../src/adapters/registry/registry-errors.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { makeImage, makeIndex, pushImage, pushIndex } from '../../../helpers/registry-images.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-layout-'));
});
after(async () => rm(root, { recursive: true, force: true }));

async function indexJson(dir: string): Promise<{ manifests: { digest: string; annotations?: Record<string, string> }[] }> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
}

describe('OciLayoutStore', () => {
  it('creates a layout and reads an image back byte for byte', async () => {
    const ref = parseLayoutReference(`oci:${join(root, 'one')}:v1`);
    const store = new OciLayoutStore(ref.repository);
    const image = makeImage({ files: { 'etc/hello': 'hi' } });
    await pushImage(store, ref, image);
    assert.deepEqual(JSON.parse(await readFile(join(ref.repository, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const entries = (await indexJson(ref.repository)).manifests;
    assert.deepEqual(
      entries.map((e) => [e.digest, e.annotations?.[REF_NAME_ANNOTATION]]),
      [[image.manifest.digest, 'v1']],
    );
    const manifest = await store.getManifest(ref);
    assert.ok(manifest.bytes.equals(image.manifest.bytes));
    assert.equal((await store.resolve({ ...ref, tag: undefined })).digest, image.manifest.digest, 'the only image needs no tag');
    assert.equal((await store.resolve({ ...ref, tag: undefined, digest: image.manifest.digest })).mediaType, MediaType.ociManifest);
    const config = image.blobs[0]!;
    assert.equal(await text(await store.getBlob(ref, config.descriptor)), config.bytes.toString());
    assert.deepEqual(await store.listTags(ref), ['v1']);
  });

  it('lists only top-level images: an index absorbs its children', async () => {
    const ref = parseLayoutReference(`oci:${join(root, 'multi')}:latest`);
    const store = new OciLayoutStore(ref.repository);
    const index = makeIndex([makeImage({ files: { a: '1' } }), makeImage({ files: { b: '2' }, architecture: 'arm64' })], {
      attestation: true,
    });
    await pushIndex(store, ref, index);
    const entries = (await indexJson(ref.repository)).manifests;
    assert.deepEqual(
      entries.map((e) => e.digest),
      [index.index.digest],
    );
    assert.equal((await store.resolve(ref)).mediaType, MediaType.ociIndex);
  });

  it('moves a tag and adds tags without duplicating entries', async () => {
    const ref = parseLayoutReference(`oci:${join(root, 'tags')}:v1`);
    const store = new OciLayoutStore(ref.repository);
    const first = makeImage({ files: { a: '1' } });
    const second = makeImage({ files: { a: '2' } });
    await pushImage(store, ref, first);
    await store.tag(ref, ['stable', 'v1']);
    await pushImage(store, ref, second);
    assert.deepEqual((await store.listTags(ref)).sort(), ['stable', 'v1']);
    assert.equal((await store.resolve(ref)).digest, second.manifest.digest);
    assert.equal((await store.resolve({ ...ref, tag: 'stable' })).digest, first.manifest.digest);
    await assert.rejects(store.resolve({ ...ref, tag: undefined }), /holds 2 images; name one/);
  });

  it('says what is missing', async () => {
    const ref = parseLayoutReference(`oci:${join(root, 'tags')}:nope`);
    const store = new OciLayoutStore(ref.repository);
    await assert.rejects(store.resolve(ref), (e: Error) => e instanceof NotFoundError && /no image tagged "nope" \(tags: /.test(e.message));
    assert.equal(await store.tryResolve(ref), undefined);
    assert.equal(await new OciLayoutStore(join(root, 'absent')).tryResolve(ref), undefined);
  });

  it('creates a new layout safely when blobs arrive in parallel', async () => {
    const dir = join(root, 'parallel');
    const store = new OciLayoutStore(dir);
    const images = Array.from({ length: 6 }, (_, i) => makeImage({ files: { n: String(i) } }));
    const blobs = images.flatMap((image) => image.blobs);
    const outcomes = await Promise.all(
      blobs.map((blob) => store.putBlob({ registry: 'oci', repository: dir }, blob.descriptor, blob.bytes)),
    );
    assert.ok(outcomes.every((outcome) => outcome === 'uploaded' || outcome === 'exists'));
    for (const blob of blobs) assert.equal(await store.hasBlob({ registry: 'oci', repository: dir }, blob.descriptor.digest), true);
    assert.deepEqual((await indexJson(dir)).manifests, []);
  });

  it('checks that a layout can be written, creating it', async () => {
    const dir = join(root, 'preflight');
    await new OciLayoutStore(dir).checkPush();
    assert.deepEqual(await new OciLayoutStore(dir).listTags(), []);
  });

  it('refuses to turn a directory with other content into a layout', async () => {
    const dir = join(root, 'busy');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(join(dir, 'README'), 'not a layout');
    const store = new OciLayoutStore(dir);
    await assert.rejects(
      pushImage(store, { registry: 'oci', repository: dir, tag: 'x' }, makeImage({ files: {} })),
      (e: Error) => e instanceof UserError && /not an OCI image layout/.test(e.message),
    );
    await assert.rejects(store.checkPush(), /not an OCI image layout/);
  });

  it('fails a blob read whose content does not match its digest', async () => {
    const ref = parseLayoutReference(`oci:${join(root, 'corrupt')}:v1`);
    const store = new OciLayoutStore(ref.repository);
    const image = makeImage({ files: { a: 'x' } });
    await pushImage(store, ref, image);
    const layer = image.blobs[1]!.descriptor;
    await writeFile(join(ref.repository, 'blobs', 'sha256', layer.digest.slice(7)), Buffer.alloc(layer.size));
    await assert.rejects(text(await store.getBlob(ref, layer)), DigestMismatchError);
  });

  it('copies between layouts by streaming, digest preserved, the source tag kept', async () => {
    const source = parseLayoutReference(`oci:${join(root, 'src')}:1.0`);
    const target = parseLayoutReference(`oci:${join(root, 'dst')}`);
    const from = new OciLayoutStore(source.repository);
    const to = new OciLayoutStore(target.repository);
    const index = makeIndex([makeImage({ files: { a: '1' } }), makeImage({ files: { b: '2' }, architecture: 'arm64' })]);
    await pushIndex(from, source, index);
    const result = await to.copyImage(source, target, { from });
    assert.equal(result.digest, index.index.digest);
    assert.equal(result.manifests, 3);
    assert.equal(result.blobs.uploaded, 4);
    assert.deepEqual(await to.listTags(target), ['1.0']);
    const again = await to.copyImage(source, target, { from });
    assert.equal(again.blobs.existing, 4);
    assert.equal(again.bytesCopied, 0);
  });

  it('refuses digests that would escape the blob directory', async () => {
    const store = new OciLayoutStore(join(root, 'one'));
    await assert.rejects(store.hasBlob({ registry: 'oci', repository: '' }, 'sha256:../../../etc/passwd'), UserError);
    await assert.rejects(store.getBlob({ registry: 'oci', repository: '' }, { digest: 'sha256:../x', size: 1 }), UserError);
  });
});

describe('placeEntry', () => {
  const a = { mediaType: MediaType.ociManifest, digest: `sha256:${'a'.repeat(64)}`, size: 1 };
  const b = { mediaType: MediaType.ociManifest, digest: `sha256:${'b'.repeat(64)}`, size: 1 };
  const idx = { mediaType: MediaType.ociIndex, digest: `sha256:${'c'.repeat(64)}`, size: 1 };
  const tagged = (entry: typeof a, tag: string) => ({ ...entry, annotations: { [REF_NAME_ANNOTATION]: tag } });

  it('adds an untagged entry once', () => {
    assert.deepEqual(placeEntry([], a, undefined, new Set()), [a]);
    assert.deepEqual(placeEntry([a], a, undefined, new Set()), [a]);
    assert.deepEqual(placeEntry([tagged(a, 'x')], a, undefined, new Set()), [tagged(a, 'x')]);
  });
  it('replaces the entry holding a tag and the untagged entry of the same digest', () => {
    assert.deepEqual(placeEntry([tagged(a, 'v1'), b], b, 'v1', new Set()), [tagged(b, 'v1')]);
  });
  it('lets an index absorb untagged children but keeps tagged ones', () => {
    assert.deepEqual(placeEntry([a, tagged(b, 'keep')], idx, undefined, new Set([a.digest, b.digest])), [tagged(b, 'keep'), idx]);
  });
});
