/**
 * Shared parts of the promote, rollback and status tests: an env repo on the real smart-HTTP git server,
 * steps wired to the real git adapter, and verification records written by verify's own recorder.
 */
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../../src/adapters/registry/digest.ts';
import { MediaType } from '../../src/adapters/registry/media-types.ts';
import type { OciClient } from '../../src/adapters/registry/types.ts';
import type { ImageRef } from '../../src/core/image-ref.ts';
import type { Verdict } from '../../src/core/verify/verdict.ts';
import { formatNoteLine, NOTES_REF, type VerdictRecord, verdictRecord } from '../../src/core/verify/verdict-note.ts';
import { bumpStep } from '../../src/steps/bump/step.ts';
import { defaultBumpDeps } from '../../src/steps/bump/deps.ts';
import { defaultHistoryDeps, type HistoryDeps } from '../../src/steps/shared/history-deps.ts';
import { GitVerdictRecorder } from '../../src/steps/verify/git-record.ts';
import type { GitServer } from './git-server.ts';
import { type MemoryRun, runInMemory } from './memory-platform.ts';
import { makeTar, pushImage } from './registry-images.ts';

/** The user and token the test git servers accept. */
export const USER = 'x-access-token';

/** A kustomization listing images with tags. */
export function kustomization(images: Readonly<Record<string, string>>): string {
  const entries = Object.entries(images).map(([name, tag]) => `  - name: ${name}\n    newTag: ${tag}\n`);
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n${entries.join('')}`;
}

/** baton.yaml with staging → production (and more when given). */
export function batonYaml(extra = ''): string {
  return `environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n    promote-from: staging\n${extra}`;
}

/** History deps with a fixed clock (ms) and fast push-race retries. */
export function testHistoryDeps(now: () => number, env: Record<string, string> = {}): HistoryDeps {
  return { ...defaultHistoryDeps(env), now, retry: { attempts: 20, baseDelayMs: 20, maxDelayMs: 200 } };
}

/** Runs bump in-process. */
export function bump(server: GitServer, repo: string, token: string, inputs: Record<string, string>): Promise<MemoryRun> {
  return runInMemory(bumpStep(defaultBumpDeps({})), { repo: server.url(repo), token, ...inputs });
}

/** A verify verdict as the step would give it, with the images seen running. */
function verdictOf(status: Verdict['status'], images: readonly string[]): Verdict {
  const outcome = status === 'healthy' ? 'healthy' : 'failed';
  return {
    status,
    reason: status === 'healthy' ? 'deployment/api: 2/2 new replicas available' : 'deployment/api: ImagePullBackOff',
    targets: [
      { target: 'deployment/api', outcome, reason: status === 'healthy' ? 'available' : 'image-pull', facts: { images: [...images] } },
    ],
    elapsedMs: 1000,
  } as unknown as Verdict;
}

/**
 * Records a verification of `env` through verify's own git recorder: a line in the note on `commit`
 * (default: the newest commit that touched the environment's path), pushed under refs/notes/baton.
 */
export async function recordVerification(
  server: GitServer,
  repo: string,
  token: string,
  options: { env: string; time: string; status?: Verdict['status']; commit?: string; images?: readonly string[] },
): Promise<string> {
  const record: VerdictRecord = verdictRecord(verdictOf(options.status ?? 'healthy', options.images ?? []), {
    env: options.env,
    provider: 'kubernetes',
    time: options.time,
    ...(options.commit ? { revision: options.commit } : {}),
  });
  const recorder = new GitVerdictRecorder({ env: {} });
  const outcome = await recorder.record({
    repo: server.url(repo),
    token,
    env: options.env,
    ...(options.commit ? { revision: options.commit } : {}),
    notesRef: NOTES_REF,
    noteLine: formatNoteLine(record),
    record,
  });
  return outcome.commit;
}

/**
 * Pushes a one-layer image whose config carries `labels` (e.g. org.opencontainers.image.source and
 * .revision, as build-push writes them), tagged as `ref` says; resolves with its digest.
 */
export async function pushLabelledImage(
  client: OciClient,
  ref: ImageRef,
  content: string,
  labels: Readonly<Record<string, string>>,
): Promise<string> {
  const tar = makeTar({ 'hello.txt': content });
  const layerBytes = gzipSync(tar);
  const layer = { mediaType: MediaType.ociLayer, digest: sha256Digest(layerBytes), size: layerBytes.length };
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  const config = { mediaType: MediaType.ociConfig, digest: sha256Digest(configBytes), size: configBytes.length };
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer] }));
  const manifest = {
    bytes,
    mediaType: MediaType.ociManifest,
    digest: sha256Digest(bytes),
    descriptor: { mediaType: MediaType.ociManifest, digest: sha256Digest(bytes), size: bytes.length },
  };
  return pushImage(client, ref, {
    manifest,
    blobs: [
      { descriptor: config, bytes: configBytes },
      { descriptor: layer, bytes: layerBytes },
    ],
  });
}
