/**
 * A stand-in for one deployed environment, for the demo and the e2e chains: what a GitOps controller
 * and the app would do together, in one small HTTP server on 127.0.0.1. On each request it reads the
 * image the environment's manifests name in the env repo (as a controller syncs), loads that image from
 * its registry or OCI layout, and serves the files the image holds under `/srv/www` (as the app does),
 * and at `GET /version` the build the image's OCI labels describe, as apps report their build info:
 * `{"version", "revision", "image"}`. A change of image takes `rolloutMs` to go live, as a rollout would,
 * so a verify step really has to wait for it.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { OciClient } from '../src/adapters/registry/types.ts';
import { locateImages } from '../src/core/edit/index.ts';
import { formatImageRef, type ImageRef, sameImage } from '../src/core/image-ref.ts';

const run = promisify(execFile);

/** Where the environment's desired state lives and where its images come from. */
export interface EnvironmentOptions {
  /** A git directory holding the env repo (a bare repository or a working tree). */
  readonly repoDir: string;
  readonly branch: string;
  /** The manifest that names the image, relative to the repo root (`envs/staging/kustomization.yaml`). */
  readonly file: string;
  /** The app's image name (no tag), as the manifests write it. */
  readonly image: ImageRef;
  /** Fetches the image the manifests name: a registry client, or an OCI layout store. */
  readonly client: OciClient;
  /** How long a new image takes to go live; default 400 ms. */
  readonly rolloutMs?: number;
  /** Where the app's files are in the image; default `srv/www/`. */
  readonly root?: string;
}

/** A running environment. */
export interface RunningEnvironment {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The image reference live now, as the manifests wrote it (empty before the first one went live). */
  live(): string;
  stop(): Promise<void>;
}

interface Deployed {
  readonly reference: string;
  readonly files: ReadonlyMap<string, Buffer>;
  readonly labels: Readonly<Record<string, string>>;
}

/** Starts the environment on a free port. */
export async function startEnvironment(options: EnvironmentOptions): Promise<RunningEnvironment> {
  const rolloutMs = options.rolloutMs ?? 400;
  let live: Deployed | undefined;
  let pending: { reference: string; since: number } | undefined;
  const sync = async (): Promise<Deployed | undefined> => {
    const wanted = await desiredImage(options);
    if (!wanted || formatImageRef(wanted) === live?.reference) return live;
    const reference = formatImageRef(wanted);
    if (pending?.reference !== reference) pending = { reference, since: Date.now() };
    if (Date.now() - pending.since < rolloutMs) return live;
    live = { reference, ...(await loadImage(options.client, wanted, options.root ?? 'srv/www/')) };
    pending = undefined;
    return live;
  };
  const server = createServer((req, res) => {
    answer(req, res, sync).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`environment: ${String(error)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    live: () => live?.reference ?? '',
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, sync: () => Promise<Deployed | undefined>): Promise<void> {
  const deployed = await sync();
  if (!deployed) {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
    res.end('no image of the app has gone live yet\n');
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/+/, '') || 'index.html';
  if (path === 'version') {
    const build = {
      version: deployed.labels['org.opencontainers.image.version'] ?? '',
      revision: deployed.labels['org.opencontainers.image.revision'] ?? '',
      image: deployed.reference,
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(build)}\n`);
    return;
  }
  const body = deployed.files.get(path);
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`${path}: not in ${deployed.reference}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': path.endsWith('.html') ? 'text/html' : 'application/octet-stream' });
  res.end(body);
}

/** The app's image as the environment's manifest names it now, or undefined when it names none. */
async function desiredImage(options: EnvironmentOptions): Promise<ImageRef | undefined> {
  const { stdout } = await run('git', ['-C', options.repoDir, 'show', `${options.branch}:${options.file}`], { encoding: 'utf8' });
  const sites = locateImages(options.file, stdout, { pin: 'tag', allowDowngrade: false });
  return sites.map((site) => site.image).find((image) => sameImage(image, options.image) && (image.digest || image.tag));
}

interface Manifest {
  readonly manifests?: readonly { digest: string; platform?: { os?: string; architecture?: string } }[];
  readonly config?: { digest: string; size: number };
  readonly layers?: readonly { digest: string; size: number }[];
}

async function readBlob(client: OciClient, ref: ImageRef, blob: { digest: string; size: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await client.getBlob(ref, blob)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The image's labels, and the regular files under `root` in its layers (later layers winning), keyed by
 * their path below root.
 */
async function loadImage(client: OciClient, ref: ImageRef, root: string): Promise<Omit<Deployed, 'reference'>> {
  let manifest = JSON.parse((await client.getManifest(ref)).bytes.toString('utf8')) as Manifest;
  if (manifest.manifests) {
    const pick = manifest.manifests.find((m) => m.platform?.os === 'linux') ?? manifest.manifests[0];
    if (!pick) throw new Error(`${formatImageRef(ref)} is an empty index`);
    manifest = JSON.parse((await client.getManifest({ ...ref, digest: pick.digest })).bytes.toString('utf8')) as Manifest;
  }
  const config = manifest.config
    ? (JSON.parse((await readBlob(client, ref, manifest.config)).toString('utf8')) as { config?: { Labels?: Record<string, string> } })
    : {};
  const files = new Map<string, Buffer>();
  for (const layer of manifest.layers ?? []) {
    const blob = await readBlob(client, ref, layer);
    const tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
    for (const [path, body] of readTar(tar)) {
      const inside = path.replace(/^\.?\//, '');
      if (inside.startsWith(root)) files.set(inside.slice(root.length), body);
    }
  }
  return { files, labels: config.config?.Labels ?? {} };
}

/**
 * The regular files of a tar stream (POSIX ustar and GNU, PAX `path` records honoured). Why by hand:
 * the image layers are a handful of small files, and reading them takes no dependency.
 */
function* readTar(tar: Buffer): Generator<[string, Buffer]> {
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = undefined;
    if (type === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if (type === '0' || type === '7') yield [name, Buffer.from(body)];
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}
