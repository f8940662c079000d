/**
 * The strategies: from the tags a registry lists, the newest one a policy allows. Pure; the registry
 * reads (tag lists, creation times, digests) happen in the adapter and arrive here as data.
 *
 * Ties (two tags that rank the same: `1.0.0` and `v1.0.0`, `1.0.0+a` and `1.0.0+b`, two builds created
 * the same second) are broken by the tag text, the greatest winning, so the choice never depends on
 * the order a registry lists tags in.
 */
import semver from 'semver';
import { UserError } from '../errors.ts';
import { compileAllowIgnore, compileFilter } from './tag-filter.ts';
import type { TagCandidate, UpdatePolicy } from './types.ts';

/** What choosing found: the tag, and how many tags were looked at and left out as unreadable. */
export interface Chosen {
  readonly tag: string | undefined;
  /** Tags that passed the allow/ignore lists and the filter. */
  readonly considered: number;
  /** Tags the strategy could not read (not a version, not a number, no creation time). */
  readonly unreadable: number;
}

/**
 * Reads a tag as a semantic version the way Flux and Argo CD Image Updater do (Masterminds semver):
 * a leading `v` is allowed and `1` or `1.2` mean `1.0.0` and `1.2.0`. Build metadata is kept but never
 * ordered on. Undefined when the tag is no version.
 */
export function tagVersion(tag: string): semver.SemVer | undefined {
  let text = tag.replace(/^[vV]/, '');
  const short = /^(\d+)(?:\.(\d+))?((?:[-+].*)?)$/.exec(text);
  if (short) text = `${short[1]}.${short[2] ?? '0'}.0${short[3]}`;
  return semver.parse(text) ?? undefined;
}

/** Masterminds writes AND as a comma (`>=1.0, <2.0`); node-semver as a space. */
export function normaliseRange(range: string): string {
  return range.replace(/\s*,\s*/g, ' ').trim();
}

/** Checks a semver range, naming the policy. */
export function checkRange(range: string, where: string): string {
  const normal = normaliseRange(range);
  if (normal === '' || semver.validRange(normal) === null) {
    throw new UserError(`${where}.range: "${range}" is not a valid semver range (e.g. "^1.2", ">=1.0.0 <2.0.0", "1.x").`, { input: where });
  }
  return normal;
}

/** A comparable key per tag, or undefined when the strategy cannot read the tag. */
type Key = semver.SemVer | number | string;

function keyOf(policy: UpdatePolicy, value: string, candidate: TagCandidate): Key | undefined {
  switch (policy.strategy) {
    case 'semver': {
      const version = tagVersion(value);
      if (!version) return undefined;
      const range = normaliseRange(policy.range ?? '*');
      return semver.satisfies(version, range, { includePrerelease: policy.prereleases }) ? version : undefined;
    }
    case 'numerical':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? Number(value) : undefined;
    case 'alphabetical':
      return value;
    case 'newest-build': {
      const time = candidate.created ? Date.parse(candidate.created) : Number.NaN;
      return Number.isNaN(time) ? undefined : time;
    }
    case 'digest':
      return value;
  }
}

function compareKeys(a: Key, b: Key): number {
  if (a instanceof semver.SemVer && b instanceof semver.SemVer) return semver.compare(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Byte order, as Go's sort.Strings: not locale order.
  return a < b ? -1 : a > b ? 1 : 0;
}

function rank(policy: UpdatePolicy, a: { key: Key; tag: string }, b: { key: Key; tag: string }): number {
  const byKey = compareKeys(a.key, b.key);
  const ordered = policy.order === 'desc' && (policy.strategy === 'alphabetical' || policy.strategy === 'numerical') ? -byKey : byKey;
  if (ordered !== 0) return ordered;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** A policy's order, ready to use: which tags count and how two of them compare. */
export interface PolicyOrder {
  /** The comparable key of a tag, or undefined when the policy leaves it out. */
  key(candidate: TagCandidate): Key | undefined;
  /** Positive when `a` ranks above `b`. */
  compare(a: TagCandidate, b: TagCandidate): number;
}

/** Compiles a policy's lists, filter and range into a {@link PolicyOrder}. */
export function policyOrder(policy: UpdatePolicy): PolicyOrder {
  const where = `policies.${policy.name}`;
  const passes = compileAllowIgnore(policy.allow, policy.ignore, where);
  const filter = policy.filter ? compileFilter(policy.filter, `${where}.filter`) : undefined;
  const key = (candidate: TagCandidate): Key | undefined => {
    if (!passes(candidate.tag)) return undefined;
    const value = filter ? filter.apply(candidate.tag) : candidate.tag;
    return value === undefined ? undefined : keyOf(policy, value, candidate);
  };
  return {
    key,
    compare(a, b) {
      const ka = key(a);
      const kb = key(b);
      if (ka === undefined || kb === undefined) return ka === undefined ? (kb === undefined ? 0 : -1) : 1;
      return rank(policy, { key: ka, tag: a.tag }, { key: kb, tag: b.tag });
    },
  };
}

/** The newest tag the policy allows among `candidates` (all strategies but digest, which follows one tag). */
export function chooseTag(policy: UpdatePolicy, candidates: readonly TagCandidate[]): Chosen {
  const where = `policies.${policy.name}`;
  const passes = compileAllowIgnore(policy.allow, policy.ignore, where);
  const filter = policy.filter ? compileFilter(policy.filter, `${where}.filter`) : undefined;
  let best: { key: Key; tag: string } | undefined;
  let considered = 0;
  let unreadable = 0;
  for (const candidate of candidates) {
    if (!passes(candidate.tag)) continue;
    const value = filter ? filter.apply(candidate.tag) : candidate.tag;
    if (value === undefined) continue;
    considered++;
    const key = keyOf(policy, value, candidate);
    if (key === undefined) {
      if (!(policy.strategy === 'semver' && tagVersion(value))) unreadable++;
      continue;
    }
    const entry = { key, tag: candidate.tag };
    if (!best || rank(policy, entry, best) > 0) best = entry;
  }
  return { tag: best?.tag, considered, unreadable };
}

/**
 * True when `current` (the tag in the files) ranks above `chosen` under the policy: writing `chosen`
 * would be a downgrade. A current tag the policy cannot read never blocks an update.
 */
export function isPolicyDowngrade(policy: UpdatePolicy, current: TagCandidate, chosen: TagCandidate): boolean {
  if (policy.strategy === 'digest') return false;
  const order = policyOrder(policy);
  if (order.key(current) === undefined) return false;
  return order.compare(current, chosen) > 0;
}

/** The tags a policy's allow/ignore lists and filter let through, before its strategy looks at them. */
export function admittedTags(policy: UpdatePolicy, tags: readonly string[]): string[] {
  const where = `policies.${policy.name}`;
  const passes = compileAllowIgnore(policy.allow, policy.ignore, where);
  const filter = policy.filter ? compileFilter(policy.filter, `${where}.filter`) : undefined;
  return tags.filter((tag) => passes(tag) && (!filter || filter.apply(tag) !== undefined));
}
