/**
 * What an environment ran, read back from the env repo's own history: the commits that touched the
 * environment's path (newest first), the images their files held, the verdicts verify noted on them and
 * the rollbacks Baton wrote. This is the menu a rollback picks from. Pure: commits and texts in.
 */
import { locateImages } from '../edit/index.ts';
import { describeError } from '../errors.ts';
import { type ImageRef, imageName, sameImage, tryParseImageRef } from '../image-ref.ts';
import { latestVerdict, type VerdictRecord } from '../verify/verdict-note.ts';

/** One commit that touched the environment's path, as git tells it. */
export interface PathCommit {
  readonly commit: string;
  /** Committer time, ISO 8601. */
  readonly time: string;
  readonly author: string;
  readonly subject: string;
  /** The whole message, trailers included. */
  readonly message: string;
}

/** A commit with the environment's files at it and its note under `refs/notes/baton`. */
export interface CommitSnapshot extends PathCommit {
  /** Path → text of the editable files under the environment's path at this commit. */
  readonly files: ReadonlyMap<string, string>;
  readonly note?: string;
}

/** One image as an environment held it: the reference in the files and the best digest known for it. */
export interface ImageVersion {
  /** As written in the files (tag and/or digest). */
  readonly ref: ImageRef;
  /** The digest: pinned in the file, else what verify saw running, else the bump's `Baton-Image` trailer. */
  readonly digest?: string;
  readonly digestFrom?: 'file' | 'verified' | 'trailer';
}

/** How a rollback commit describes itself (its trailers). */
export interface RollbackInfo {
  readonly reason?: string;
  readonly actor?: string;
  /** The env-repo commit whose state the rollback returned to. */
  readonly to?: string;
}

/** One state of an environment: the images it held from `commit` on, until the next newer entry. */
export interface HistoryEntry extends PathCommit {
  /** Canonical image name → version. */
  readonly images: ReadonlyMap<string, ImageVersion>;
  /** Images whose version differs from the entry below (all of them for the oldest entry read). */
  readonly changed: readonly string[];
  /** The newest verdict for this environment on this commit or on a newer one folded into it. */
  readonly verdict?: VerdictRecord;
  /** The commit the verdict is noted on. */
  readonly verdictOn?: string;
  readonly rollback?: RollbackInfo;
  /** Newer commits that touched the path without changing an image (config changes), newest first. */
  readonly folded: readonly PathCommit[];
  /** Files that could not be read at this commit (malformed YAML), with the reason. */
  readonly problems: readonly string[];
}

/** The trailers of a commit message (`Key: value` lines of its last paragraph), key → values. */
export function parseTrailers(message: string): Map<string, string[]> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const trailers = new Map<string, string[]>();
  if (paragraphs.length < 2) return trailers;
  for (const line of paragraphs.at(-1)!.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$/.exec(line);
    if (match) trailers.set(match[1]!, [...(trailers.get(match[1]!) ?? []), match[2]!.trim()]);
  }
  return trailers;
}

/** The images the files hold: the first place each image is written, in path order. */
export function imagesIn(
  files: ReadonlyMap<string, string>,
  policies: Readonly<Record<string, string>> = {},
): { images: Map<string, ImageRef>; problems: string[] } {
  const images = new Map<string, ImageRef>();
  const problems: string[] = [];
  for (const file of [...files.keys()].sort()) {
    try {
      for (const site of locateImages(file, files.get(file)!, { pin: 'tag', allowDowngrade: false, policies })) {
        const name = imageName(site.image);
        if (!images.has(name)) images.set(name, site.image);
      }
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  return { images, problems };
}

/** A digest from `name@sha256:…` entries (verify's record, `Baton-Image` trailers) when exactly one matches. */
export function digestAmong(refs: readonly string[], image: ImageRef): string | undefined {
  const digests = new Set(
    refs
      .map((text) => tryParseImageRef(text))
      .filter((ref): ref is ImageRef => ref !== undefined && ref.digest !== undefined && sameImage(ref, image))
      .map((ref) => ref.digest!),
  );
  return digests.size === 1 ? [...digests][0] : undefined;
}

function versionOf(ref: ImageRef, verdict: VerdictRecord | undefined, trailers: Map<string, string[]>): ImageVersion {
  if (ref.digest) return { ref, digest: ref.digest, digestFrom: 'file' };
  const verified = verdict?.status === 'healthy' ? digestAmong(verdict.images, ref) : undefined;
  if (verified) return { ref, digest: verified, digestFrom: 'verified' };
  // A bump's trailer names the digest only when it was given one; it counts only for the same tag.
  const written = (trailers.get('Baton-Image') ?? []).filter((text) => tryParseImageRef(text)?.tag === ref.tag);
  const trailer = digestAmong(written, ref);
  return trailer ? { ref, digest: trailer, digestFrom: 'trailer' } : { ref };
}

function rollbackOf(trailers: Map<string, string[]>): RollbackInfo | undefined {
  if (!trailers.has('Baton-Rollback')) return undefined;
  const first = (key: string) => trailers.get(key)?.[0];
  const reason = first('Baton-Reason');
  const actor = first('Baton-Actor');
  const to = first('Baton-Rollback');
  return { ...(reason ? { reason } : {}), ...(actor ? { actor } : {}), ...(to ? { to } : {}) };
}

function differs(a: ImageRef, b: ImageRef | undefined): boolean {
  return b === undefined || a.tag !== b.tag || a.digest !== b.digest;
}

function sameVersions(a: ReadonlyMap<string, ImageRef>, b: ReadonlyMap<string, ImageRef>): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([name, ref]) => !differs(ref, b.get(name)));
}

/**
 * Folds commits (newest first) into the states of the environment `env`: a commit that changed no
 * image is folded into the entry below it. Verdicts are taken for `env` only.
 */
export function buildHistory(
  snapshots: readonly CommitSnapshot[],
  env: string,
  policies: Readonly<Record<string, string>> = {},
): HistoryEntry[] {
  const read = snapshots.map((snapshot) => ({ snapshot, ...imagesIn(snapshot.files, policies) }));
  const entries: HistoryEntry[] = [];
  let folded: PathCommit[] = [];
  let pending: { verdict: VerdictRecord; on: string } | undefined;
  for (const [index, item] of read.entries()) {
    const { snapshot } = item;
    const own = snapshot.note ? latestVerdict(snapshot.note, env) : undefined;
    if (own && !pending) pending = { verdict: own, on: snapshot.commit };
    const older = read[index + 1];
    if (older && sameVersions(item.images, older.images) && item.problems.length === 0) {
      folded.push(pathCommit(snapshot));
      continue;
    }
    const trailers = parseTrailers(snapshot.message);
    const verdict = pending?.verdict;
    const images = new Map([...item.images].map(([name, ref]) => [name, versionOf(ref, verdict, trailers)]));
    const changed = [...item.images].filter(([name, ref]) => differs(ref, older?.images.get(name))).map(([name]) => name);
    const rollback = rollbackOf(trailers);
    entries.push({
      ...pathCommit(snapshot),
      images,
      changed,
      ...(pending ? { verdict: pending.verdict, verdictOn: pending.on } : {}),
      ...(rollback ? { rollback } : {}),
      folded,
      problems: item.problems,
    });
    folded = [];
    pending = undefined;
  }
  return entries;
}

function pathCommit(snapshot: PathCommit): PathCommit {
  const { commit, time, author, subject, message } = snapshot;
  return { commit, time, author, subject, message };
}
