/**
 * Flux image automation in baton.yaml terms: each `ImagePolicy` (with its `ImageRepository`) becomes a
 * policy of the same name, so the repo's `{"$imagepolicy": "<ns>:<name>"}` markers resolve to it; each
 * `ImageUpdateAutomation` becomes the environment of its `update.path`, following the policies whose
 * markers are under that path (what the Setters strategy updates there).
 */
import { normaliseRepoPath } from '../env-config.ts';
import type { ImportedEnvironment, ImportResult, KubeObject, PolicyYaml } from './import-types.ts';

const GROUP = /^image\.toolkit\.fluxcd\.io\//;
const FLUX_MARKER = /\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}/g;

/** The default `exclusionList` of an ImageRepository (signature tags), as the controller applies it. */
export const FLUX_DEFAULT_EXCLUSION = '^.*\\.sig$';

function ns(object: KubeObject): string {
  return object.metadata?.namespace ?? 'flux-system';
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The policy an ImagePolicy amounts to; undefined (with a note) when it cannot be carried over. */
function policyOf(policy: KubeObject, repositories: ReadonlyMap<string, KubeObject>, notes: string[]): PolicyYaml | undefined {
  const spec = record(policy.spec);
  const ref = record(spec['imageRepositoryRef']);
  const repoKey = `${(ref['namespace'] as string | undefined) ?? ns(policy)}/${ref['name'] as string}`;
  const repository = repositories.get(repoKey);
  const image = record(repository?.spec)['image'];
  if (typeof image !== 'string') {
    notes.push(
      `ImagePolicy ${ns(policy)}/${policy.metadata?.name} (${policy.file}) refers to ImageRepository ${repoKey}, which is not in the ` +
        `repo; skipped.`,
    );
    return undefined;
  }
  const out: PolicyYaml = { image };
  const choice = record(spec['policy']);
  if (choice['semver']) {
    out['strategy'] = 'semver';
    out['range'] = String(record(choice['semver'])['range'] ?? '*');
    if (/-/.test(String(out['range']))) out['prereleases'] = true;
  } else if (choice['alphabetical']) {
    out['strategy'] = 'alphabetical';
    out['order'] = String(record(choice['alphabetical'])['order'] ?? 'asc');
  } else if (choice['numerical']) {
    out['strategy'] = 'numerical';
    out['order'] = String(record(choice['numerical'])['order'] ?? 'asc');
  } else {
    notes.push(`ImagePolicy ${ns(policy)}/${policy.metadata?.name} has no semver, alphabetical or numerical policy; skipped.`);
    return undefined;
  }
  const filter = record(spec['filterTags']);
  if (typeof filter['pattern'] === 'string') {
    out['filter'] = { pattern: filter['pattern'], ...(typeof filter['extract'] === 'string' ? { extract: filter['extract'] } : {}) };
  }
  const exclusion = record(repository?.spec)['exclusionList'];
  const excluded = Array.isArray(exclusion) ? exclusion.map(String) : [FLUX_DEFAULT_EXCLUSION];
  if (excluded.length > 0) out['ignore'] = excluded.map((re) => `regexp:${re}`);
  return out;
}

/** Reads Flux's objects and the markers under each automation's path. `files` holds every YAML file of the repo. */
export function importFlux(objects: readonly KubeObject[], files: ReadonlyMap<string, string>): ImportResult {
  const flux = objects.filter((o) => GROUP.test(o.apiVersion ?? ''));
  const notes: string[] = [];
  const repositories = new Map(flux.filter((o) => o.kind === 'ImageRepository').map((o) => [`${ns(o)}/${o.metadata?.name}`, o]));
  const policies = new Map<string, PolicyYaml>();
  const byRef = new Map<string, string>();
  for (const object of flux.filter((o) => o.kind === 'ImagePolicy')) {
    const name = object.metadata?.name ?? '';
    const policy = policyOf(object, repositories, notes);
    if (!policy) continue;
    const key = policies.has(name) ? `${ns(object)}-${name}` : name;
    policies.set(key, policy);
    byRef.set(`${ns(object)}:${name}`, key);
  }
  const environments: ImportedEnvironment[] = [];
  for (const automation of flux.filter((o) => o.kind === 'ImageUpdateAutomation')) {
    const spec = record(automation.spec);
    const update = record(spec['update']);
    const path = normaliseRepoPath(String(update['path'] ?? '.'), `${automation.file}: spec.update.path`);
    const git = record(spec['git']);
    const checkout = String(record(record(record(git['checkout'])['ref']))['branch'] ?? '') || undefined;
    const push = String(record(git['push'])['branch'] ?? '') || undefined;
    const used = new Set<string>();
    for (const [file, text] of files) {
      if (path !== '.' && !file.startsWith(`${path}/`)) continue;
      for (const match of text.matchAll(FLUX_MARKER)) {
        const [namespace, name] = match[1]!.split(':');
        const key = byRef.get(`${namespace}:${name}`) ?? (name === undefined ? byRef.get(`${ns(automation)}:${namespace}`) : undefined);
        if (key) used.add(key);
      }
    }
    if (used.size === 0)
      notes.push(
        `ImageUpdateAutomation ${ns(automation)}/${automation.metadata?.name}: no $imagepolicy markers under ${path}; no environment made.`,
      );
    else {
      environments.push({
        name: automation.metadata?.name ?? path.split('/').pop()!,
        path,
        ...(checkout ? { branch: checkout } : {}),
        // Flux pushing to another branch than it checks out is review by request, as Baton's pr mode.
        mode: push && push !== (checkout ?? push) ? 'pr' : 'push',
        update: [...used].sort(),
      });
    }
  }
  return { policies, environments, markers: [], notes };
}
