/**
 * bench/registry: what a promotion costs on the wire. An image of a few large layers sits in one
 * registry; it is copied (a) to another repository of the same registry with Baton's `copyImage`, which
 * mounts every blob, (b) the naive way, measured in the same run: every blob pulled and pushed again,
 * (c) to a second registry, streamed. Then (d) the build-push step, a real build against a skipped
 * rebuild (bench/build-push's measurement; a skipped rebuild uploads nothing and reads one config blob
 * to name the platform). Every request goes through a proxy that counts body bytes. Prints medians and
 * ratios and the issue-3 goals; asserts nothing about time (exit 1 only if the mount moved blob bytes).
 *
 *   node bench/registry/bench.ts [--runs 5] [--layers 4] [--layer-mib 16] [--builders buildah,layer]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_RETRY } from '../../src/adapters/registry/http.ts';
import { type Descriptor, manifestBlobs, parseManifest } from '../../src/adapters/registry/media-types.ts';
import { RegistryClient } from '../../src/adapters/registry/registry-client.ts';
import type { CopyResult } from '../../src/adapters/registry/types.ts';
import type { ImageRef } from '../../src/core/image-ref.ts';
import { startRegistry } from '../../test/helpers/registry.ts';
import { makeSizedImage, pushImage } from '../../test/helpers/registry-images.ts';
import { blobBytes, type RegistryProxy, startRegistryProxy } from '../../test/helpers/registry-proxy.ts';
import { type BuildPushPhase, measureBuildPush, median } from '../build-push/bench.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    layers: { type: 'string', default: '4' },
    'layer-mib': { type: 'string', default: '16' },
    builders: { type: 'string', default: 'buildah,layer' },
  },
});
const RUNS = Number(values.runs);
const LAYERS = Number(values.layers);
const LAYER_BYTES = Number(values['layer-mib']) * 1024 * 1024;
const BUILDERS = values.builders.split(',').filter(Boolean);
const USER = 'bench';
const PASSWORD = 'bench-registry-pass';

/** What one measured operation moved and how long it took. */
interface Sample {
  readonly ms: number;
  /** Blob bytes out of the registries (blob GET answers). */
  readonly read: number;
  /** Blob bytes into the registries (upload PATCH/PUT bodies). */
  readonly written: number;
  readonly requests: number;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Runs `work` and reports the time and the blob bytes every proxy saw while it ran. */
async function measured<T>(proxies: readonly RegistryProxy[], work: () => Promise<T>): Promise<{ sample: Sample; result: T }> {
  const marks = proxies.map((proxy) => proxy.requests.length);
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const seen = proxies.flatMap((proxy, i) => proxy.requests.slice(marks[i]));
  const read = blobBytes(seen.filter((entry) => entry.method === 'GET'));
  return { sample: { ms, read, written: blobBytes(seen) - read, requests: seen.length }, result };
}

/** The naive promotion: pull every blob of the image, then push each one to the other repository, then the manifest. */
async function pullAndPush(client: RegistryClient, from: ImageRef, to: ImageRef): Promise<void> {
  const manifest = await client.getManifest(from);
  const blobs: readonly Descriptor[] = manifestBlobs(parseManifest(manifest.bytes, manifest.mediaType));
  const pulled = await Promise.all(blobs.map(async (blob) => buffer(await client.getBlob(from, blob))));
  await Promise.all(blobs.map((blob, i) => client.putBlob(to, blob, pulled[i]!)));
  await client.putManifest(to, manifest);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench/registry: ${what}`);
}

const home = await mkdtemp(join(tmpdir(), 'baton-bench-registry-'));
const htpasswd = { [USER]: PASSWORD };
const [one, two] = await Promise.all([startRegistry({ htpasswd }), startRegistry({ htpasswd })]);
const [proxyOne, proxyTwo] = await Promise.all([startRegistryProxy(one.url), startRegistryProxy(two.url)]);
const client = new RegistryClient({
  env: {},
  home,
  systemCertsDirs: [],
  insecureRegistries: [proxyOne.host, proxyTwo.host],
  credentials: [proxyOne.host, proxyTwo.host].map((registry) => ({ registry, username: USER, password: PASSWORD })),
  retry: DEFAULT_HTTP_RETRY,
  userAgent: 'baton-bench',
});
const at = (proxy: RegistryProxy, repository: string, tag = '1.0.0'): ImageRef => ({ registry: proxy.host, repository, tag });

try {
  const image = makeSizedImage({ layerSizes: Array.from({ length: LAYERS }, () => LAYER_BYTES) });
  const imageBytes = image.blobs.reduce((sum, blob) => sum + blob.descriptor.size, 0);
  const source = at(proxyOne, 'bench/source');
  const seed = await measured([proxyOne], () => pushImage(client, source, image));
  console.log(`bench/registry: ${LAYERS} layers of ${size(LAYER_BYTES)} + config = ${size(imageBytes)} of blobs; median of ${RUNS} runs;`);
  console.log(`docker-registry on loopback with htpasswd auth, every request through a proxy counting body bytes`);
  console.log(`(seed push of the source image: ${size(seed.sample.written)} written in ${seconds(seed.sample.ms)})\n`);

  const mount: Sample[] = [];
  const naive: Sample[] = [];
  const stream: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const promoted = await measured<CopyResult>([proxyOne], () => client.copyImage(source, at(proxyOne, `bench/promoted-${i}`)));
    check(
      promoted.result.digest === image.manifest.digest && promoted.result.blobs.mounted === image.blobs.length,
      `mount copy ${JSON.stringify(promoted.result)}`,
    );
    mount.push(promoted.sample);
    const pulled = await measured([proxyOne], () => pullAndPush(client, source, at(proxyOne, `bench/naive-${i}`)));
    check((await client.resolve(at(proxyOne, `bench/naive-${i}`))).digest === image.manifest.digest, 'naive copy digest');
    naive.push(pulled.sample);
    const copied = await measured<CopyResult>([proxyOne, proxyTwo], () => client.copyImage(source, at(proxyTwo, `bench/copied-${i}`)));
    check(
      copied.result.digest === image.manifest.digest && copied.result.bytesCopied === imageBytes,
      `cross-registry copy ${JSON.stringify(copied.result)}`,
    );
    stream.push(copied.sample);
  }

  const base = median(mount.map((s) => s.ms));
  const rows: [string, Sample[]][] = [
    ['(a) promote within one registry: copyImage, mount', mount],
    ['(b) the naive way: pull every blob, push it again', naive],
    ['(c) copy to another registry: copyImage, streamed', stream],
  ];
  console.log(
    `${'copy'.padEnd(52)} ${'blob bytes read'.padStart(16)} ${'written'.padStart(10)} ${'requests'.padStart(9)} ` +
      `${'time'.padStart(10)} ${'vs (a)'.padStart(8)}`,
  );
  for (const [label, samples] of rows) {
    const ms = median(samples.map((s) => s.ms));
    const read = median(samples.map((s) => s.read));
    const written = median(samples.map((s) => s.written));
    const requests = median(samples.map((s) => s.requests));
    console.log(
      `${label.padEnd(52)} ${size(read).padStart(16)} ${size(written).padStart(10)} ${String(requests).padStart(9)} ` +
        `${seconds(ms).padStart(10)} ${`${(ms / base).toFixed(1)}x`.padStart(8)}`,
    );
  }

  const moved = new Map<string, Record<BuildPushPhase['phase'], Sample[]>>();
  const counting = async <T>(phase: BuildPushPhase, run: () => Promise<T>): Promise<T> => {
    const { sample, result } = await measured([proxyOne], run);
    const entry = moved.get(phase.builder) ?? { build: [], skip: [] };
    entry[phase.phase].push(sample);
    moved.set(phase.builder, entry);
    return result;
  };
  const figures = await measureBuildPush({
    runs: RUNS,
    builders: BUILDERS,
    target: { host: proxyOne.host, username: USER, password: PASSWORD },
    around: counting,
  });
  console.log(
    `\n${'build-push (fixture app)'.padEnd(26)} ${'real build'.padStart(11)} ${'skipped rebuild'.padStart(16)} ` +
      `${'ratio'.padStart(7)}   blob bytes uploaded, read: build | skip`,
  );
  for (const { builder, built, skipped } of figures) {
    const [b, s] = [median(built), median(skipped)];
    const { build, skip } = moved.get(builder)!;
    const blobs = (samples: Sample[]) => `${size(median(samples.map((x) => x.written)))}, ${size(median(samples.map((x) => x.read)))}`;
    console.log(
      `${builder.padEnd(26)} ${seconds(b).padStart(11)} ${seconds(s).padStart(16)} ${`${(b / s).toFixed(1)}x`.padStart(7)}   ` +
        `${blobs(build)} | ${blobs(skip)}`,
    );
  }

  const mountMax = Math.max(...mount.map((s) => s.read + s.written));
  const skipMedians = figures.map(({ builder, skipped }) => `${builder} ${seconds(median(skipped))}`).join(', ');
  const skipSlowest = Math.max(...figures.map(({ skipped }) => median(skipped)));
  console.log(
    `\ngoal: a same-registry copy moves no blob bytes: ${size(mountMax)} at most over ${RUNS} runs — ${mountMax === 0 ? 'met' : 'NOT met'}`,
  );
  console.log(`goal: a skipped build finishes in under 2 s: median ${skipMedians} — ${skipSlowest < 2000 ? 'met' : 'NOT met'}`);
  if (mountMax !== 0) process.exitCode = 1;
} finally {
  await client.close();
  await Promise.all([proxyOne.stop(), proxyTwo.stop()]);
  await Promise.all([one.stop(), two.stop()]);
  await rm(home, { recursive: true, force: true });
}
