/**
 * Where a rollback goes: `to` parsed, the earlier state chosen from the environment's history, and the
 * image versions to write to get back there. Pure.
 */
import type { Pin } from '../edit/types.ts';
import { UserError } from '../errors.ts';
import { familiarName, type ImageRef, isValidTag, parseImageRef, shortDigest, validateDigest } from '../image-ref.ts';
import type { HistoryEntry, ImageVersion } from '../history/states.ts';

/** What `to` asks for. */
export type RollbackTarget =
  | { readonly kind: 'steps'; readonly steps: number }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'digest'; readonly digest: string }
  | { readonly kind: 'commit'; readonly commit: string };

/** One image to write back: the version and what the file held then (the pin). */
export interface RollbackWrite {
  readonly ref: ImageRef;
  readonly pin: Pin;
  /** The version it replaces. */
  readonly from: ImageRef;
}

/** The state chosen and the images that go back to it. */
export interface RollbackChoice {
  readonly entry: HistoryEntry;
  readonly writes: readonly RollbackWrite[];
}

const HEX_RE = /^[0-9a-f]{7,64}$/;

/**
 * Parses `to`: `previous` (one step back), a number of steps back, `sha256:…` (a digest), an env-repo
 * commit (7 to 64 hex digits; `commit:<id>` to be explicit) or a tag (`tag:<tag>` to be explicit, e.g. a
 * tag that is all digits).
 */
export function parseRollbackTarget(text: string): RollbackTarget {
  const value = text.trim();
  if (value === '' || value === 'previous') return { kind: 'steps', steps: 1 };
  if (/^\d+$/.test(value)) {
    const steps = Number(value);
    if (steps < 1 || steps > 1000) throw new UserError(`to: "${value}" steps back must be between 1 and 1000.`, { input: 'to' });
    return { kind: 'steps', steps };
  }
  if (value.startsWith('sha256:') || value.startsWith('sha512:')) return { kind: 'digest', digest: validateDigest(value, 'to') };
  if (value.startsWith('commit:')) return commitTarget(value.slice('commit:'.length));
  if (value.startsWith('tag:')) return tagTarget(value.slice('tag:'.length));
  if (HEX_RE.test(value)) return { kind: 'commit', commit: value };
  return tagTarget(value);
}

function commitTarget(value: string): RollbackTarget {
  if (!HEX_RE.test(value)) throw new UserError(`to: "commit:${value}" is not a commit id (7 to 64 hex digits).`, { input: 'to' });
  return { kind: 'commit', commit: value };
}

function tagTarget(value: string): RollbackTarget {
  if (!isValidTag(value)) {
    throw new UserError(`to: "${value}" is neither previous, a number of steps, a digest, a commit nor a valid tag.`, { input: 'to' });
  }
  return { kind: 'tag', tag: value };
}

/** A short text for a target, for messages. */
export function describeTarget(target: RollbackTarget): string {
  if (target.kind === 'steps') return target.steps === 1 ? 'previous' : `${target.steps} steps back`;
  if (target.kind === 'tag') return `tag ${target.tag}`;
  if (target.kind === 'digest') return `digest ${shortDigest(target.digest)}`;
  return `commit ${target.commit}`;
}

/**
 * Chooses the state to go back to. `entries` is the history newest first (entries[0] is what runs now);
 * `names` limits the images considered (all of them when empty). Steps back skip states equal to the
 * current one and states a later rollback abandoned, so "previous" after a rollback goes further back
 * instead of undoing it (roll forward by naming a tag or commit). Throws a {@link UserError} on `to`
 * when the history read holds no such state.
 */
export function chooseRollback(entries: readonly HistoryEntry[], target: RollbackTarget, names: readonly string[]): RollbackChoice {
  const current = entries[0];
  if (!current) throw new UserError('env: the environment has no history to roll back in.', { input: 'env' });
  const scope = names.length > 0 ? names : [...current.images.keys()];
  for (const name of scope) {
    if (!current.images.has(name))
      throw new UserError(`image: ${name} is not in this environment (it holds ${[...current.images.keys()].join(', ') || 'no images'}).`, {
        input: 'image',
      });
  }
  const found = findEntry(entries, target, scope);
  if (!found) throw notInHistory(entries, target);
  const writes = writesFor(current, found.entry, found.names, target);
  return { entry: found.entry, writes };
}

function findEntry(
  entries: readonly HistoryEntry[],
  target: RollbackTarget,
  scope: readonly string[],
): { entry: HistoryEntry; names: readonly string[] } | undefined {
  const current = entries[0]!;
  if (target.kind === 'steps') {
    const candidates = stepCandidates(entries, scope);
    const entry = candidates[target.steps - 1];
    return entry ? { entry, names: scope } : undefined;
  }
  if (target.kind === 'commit') {
    const entry = entries.find((e) => e.commit.startsWith(target.commit) || e.folded.some((f) => f.commit.startsWith(target.commit)));
    return entry ? { entry, names: scope } : undefined;
  }
  for (const entry of entries) {
    const names = scope.filter(
      (name) => entry.images.get(name) && matches(entry.images.get(name)!, target) && !matches(current.images.get(name)!, target),
    );
    if (names.length > 0) return { entry, names };
  }
  return undefined;
}

function matches(version: ImageVersion, target: RollbackTarget): boolean {
  if (target.kind === 'tag') return version.ref.tag === target.tag;
  if (target.kind === 'digest') return version.digest === target.digest;
  return false;
}

/** The distinct earlier states, newest first, without the current one's equals and abandoned states. */
function stepCandidates(entries: readonly HistoryEntry[], scope: readonly string[]): HistoryEntry[] {
  const key = (entry: HistoryEntry) => scope.map((name) => versionKey(entry.images.get(name))).join('\n');
  const seen = new Set([key(entries[0]!)]);
  const candidates: HistoryEntry[] = [];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1]!.rollback) continue; // the state this rollback left: abandoned
    const k = key(entries[i]!);
    if (seen.has(k)) continue;
    seen.add(k);
    candidates.push(entries[i]!);
  }
  return candidates;
}

function versionKey(version: ImageVersion | undefined): string {
  return version ? `${version.ref.tag ?? ''}@${version.ref.digest ?? ''}` : '-';
}

/** What to write for each image that differs between now and the chosen state. */
function writesFor(current: HistoryEntry, entry: HistoryEntry, names: readonly string[], target: RollbackTarget): RollbackWrite[] {
  const writes: RollbackWrite[] = [];
  for (const name of names) {
    const then = entry.images.get(name);
    const now = current.images.get(name)!;
    if (!then || versionKey(then) === versionKey(now)) continue;
    let ref = then.ref;
    // Asked for a digest the file did not pin then (it was known from verify or a trailer): pin it now.
    if (target.kind === 'digest' && !ref.digest) ref = { ...ref, digest: target.digest };
    writes.push({ ref, pin: pinOf(ref), from: now.ref });
  }
  return writes;
}

function pinOf(ref: ImageRef): Pin {
  if (ref.tag && ref.digest) return 'tag+digest';
  return ref.digest ? 'digest' : 'tag';
}

function notInHistory(entries: readonly HistoryEntry[], target: RollbackTarget): UserError {
  const oldest = entries.at(-1)!;
  const read = `${entries.length} state(s) read, back to ${oldest.commit.slice(0, 12)} of ${oldest.time}`;
  return new UserError(
    `to: ${describeTarget(target)} is not in this environment's history (${read}); run "baton history" for the versions it ran.`,
    { input: 'to' },
  );
}

/** Canonical names of the `image` input (names only; a tag or digest given there is an error). */
export function imageNames(texts: readonly string[]): string[] {
  return texts.map((text) => {
    const ref = parseImageRef(text, 'image');
    if (ref.tag || ref.digest)
      throw new UserError(`image: give the name only ("${familiarName(ref)}"); the version comes from \`to\`.`, { input: 'image' });
    return `${ref.registry}/${ref.repository}`;
  });
}
