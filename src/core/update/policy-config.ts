/**
 * Update policies in `baton.yaml`: shared under the top-level `policies:` (a mapping per policy) and
 * referenced by name from an environment's `update:` list, or written inline there.
 *
 * ```yaml
 * policies:
 *   podinfo: { image: ghcr.io/stefanprodan/podinfo, strategy: semver, range: ">=6.0.0 <7" }
 * environments:
 *   staging:
 *     path: envs/staging
 *     update: [podinfo, { image: redis, strategy: semver, range: "7.x" }]
 * ```
 *
 * Every problem names the policy and the field, so a scheduled run fails with what to fix before it
 * asks any registry.
 */
import { UserError } from '../errors.ts';
import { imageName, parseImageRef } from '../image-ref.ts';
import { checkRange } from './strategies.ts';
import { compileAllowIgnore, compileFilter } from './tag-filter.ts';
import { UPDATE_STRATEGIES, type UpdatePin, type UpdatePolicy, type UpdateStrategy } from './types.ts';

const POLICY_KEYS = new Set([
  'name',
  'image',
  'strategy',
  'range',
  'prereleases',
  'order',
  'filter',
  'tag',
  'allow',
  'ignore',
  'platform',
  'pin',
  'allow-downgrade',
]);
const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

function fail(where: string, message: string): never {
  throw new UserError(`baton.yaml: ${where}: ${message}`, { input: where });
}

function list(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(where, 'must be a list of patterns');
  return value as string[];
}

function text(record: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value.trim() === '') fail(`${where}.${key}`, 'must be a non-empty string');
  return value.trim();
}

function flag(record: Record<string, unknown>, key: string, where: string): boolean {
  const value = record[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') fail(`${where}.${key}`, 'must be true or false');
  return value;
}

/** Checks one policy mapping; `name` is its key under `policies:` or its inline name. */
export function parseUpdatePolicy(name: string, value: unknown, where = `policies.${name}`): UpdatePolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be a mapping with at least "image"');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!POLICY_KEYS.has(key)) fail(where, `unknown key "${key}" (known: ${[...POLICY_KEYS].join(', ')})`);
  }
  const image = text(record, 'image', where) ?? fail(where, '"image" is required (the image name, without a tag)');
  const ref = (() => {
    try {
      return parseImageRef(image, `${where}.image`);
    } catch (error) {
      throw new UserError(`baton.yaml: ${where}.image: ${(error as Error).message}`, { input: where, cause: error });
    }
  })();
  if (ref.tag || ref.digest)
    fail(`${where}.image`, `"${image}" carries a tag or digest; give the name only (the policy chooses the version)`);
  const strategy = (text(record, 'strategy', where) ?? (record['range'] !== undefined ? 'semver' : undefined)) as
    | UpdateStrategy
    | undefined;
  if (strategy === undefined) fail(where, `"strategy" is required (one of ${UPDATE_STRATEGIES.join(', ')})`);
  if (!UPDATE_STRATEGIES.includes(strategy))
    fail(`${where}.strategy`, `unknown strategy "${strategy}" (known: ${UPDATE_STRATEGIES.join(', ')})`);
  const order = text(record, 'order', where) ?? 'asc';
  if (order !== 'asc' && order !== 'desc') fail(`${where}.order`, `must be asc or desc, not "${order}"`);
  const pin = (text(record, 'pin', where) ?? (strategy === 'digest' ? 'tag+digest' : 'tag')) as UpdatePin;
  if (!['tag', 'digest', 'tag+digest'].includes(pin)) fail(`${where}.pin`, `must be tag, digest or tag+digest, not "${pin}"`);
  const platform = text(record, 'platform', where);
  if (platform !== undefined && !PLATFORM_RE.test(platform))
    fail(`${where}.platform`, `"${platform}" is not os/arch[/variant] (e.g. linux/amd64)`);
  const rawRange = text(record, 'range', where);
  if (rawRange !== undefined && strategy !== 'semver')
    fail(`${where}.range`, `only the semver strategy takes a range (this policy is ${strategy})`);
  const range = rawRange === undefined ? undefined : checkRange(rawRange, `baton.yaml: ${where}`);
  const filter = parseFilter(record['filter'], `${where}.filter`);
  const policy: UpdatePolicy = {
    name,
    image: imageName(ref),
    strategy,
    ...(range !== undefined ? { range } : {}),
    prereleases: flag(record, 'prereleases', where),
    order,
    ...(filter ? { filter } : {}),
    ...(strategy === 'digest' ? { tag: text(record, 'tag', where) ?? 'latest' } : {}),
    allow: list(record['allow'], `${where}.allow`),
    ignore: list(record['ignore'], `${where}.ignore`),
    ...(platform ? { platform } : {}),
    pin,
    allowDowngrade: flag(record, 'allow-downgrade', where),
  };
  if (record['tag'] !== undefined && strategy !== 'digest')
    fail(`${where}.tag`, `only the digest strategy follows a tag (this policy is ${strategy})`);
  compileAllowIgnore(policy.allow, policy.ignore, `baton.yaml: ${where}`);
  if (filter) compileFilter(filter, `baton.yaml: ${where}.filter`);
  return policy;
}

function parseFilter(value: unknown, where: string): UpdatePolicy['filter'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be a mapping with "pattern" (and "extract")');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== 'pattern' && key !== 'extract') fail(where, `unknown key "${key}" (known: pattern, extract)`);
  const pattern = text(record, 'pattern', where) ?? fail(where, '"pattern" is required');
  const extract = text(record, 'extract', where);
  return { pattern, ...(extract !== undefined ? { extract } : {}) };
}

/** The shared policies: entries of `policies:` that are mappings (plain strings are Flux marker names). */
export function parseSharedPolicies(policies: Readonly<Record<string, unknown>>): Map<string, UpdatePolicy> {
  const shared = new Map<string, UpdatePolicy>();
  for (const [name, value] of Object.entries(policies)) {
    if (typeof value !== 'string') shared.set(name, parseUpdatePolicy(name, value));
  }
  return shared;
}

/** An environment's `update:` list: names of shared policies, or inline policies. */
export function parseEnvUpdates(envName: string, value: unknown, shared: ReadonlyMap<string, UpdatePolicy>): UpdatePolicy[] {
  const where = `environments.${envName}.update`;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, 'must be a list of policy names or policies');
  const policies = value.map((entry, i) => {
    if (typeof entry === 'string') {
      const policy = shared.get(entry);
      if (!policy)
        fail(`${where}[${i}]`, `names policy "${entry}", which is not under policies: (known: ${[...shared.keys()].join(', ') || 'none'})`);
      return policy;
    }
    const record = entry as Record<string, unknown> | null;
    const image = typeof record?.['image'] === 'string' ? record['image'] : '';
    const name = typeof record?.['name'] === 'string' ? record['name'] : (image.split('/').pop()?.split(':')[0] ?? `${envName}-${i}`);
    return parseUpdatePolicy(name, entry, `${where}[${i}]`);
  });
  const names = policies.map((p) => p.image);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) fail(where, `two policies follow ${dup}; an environment follows each image under one policy`);
  return policies;
}
