/**
 * Argo CD Image Updater's annotations on an `Application` in baton.yaml terms: each image of
 * `image-list` (`[alias=]image[:constraint]`) becomes a policy named `<app>-<alias>`, with its
 * `<alias>.update-strategy` (semver, newest-build and its old name latest, digest, alphabetical and its
 * old name name), `allow-tags`, `ignore-tags` and `platforms`; the Application's source path (or its
 * git write-back target) becomes the environment. Helm parameter names that Baton would not find by
 * itself (`<alias>.helm.image-name`/`image-tag`) become `# baton:` markers in the values file.
 */
import { normaliseRepoPath } from '../env-config.ts';
import { imageName, parseImageRef } from '../image-ref.ts';
import type { ImportedEnvironment, ImportedMarker, ImportResult, KubeObject, PolicyYaml } from './import-types.ts';

const PREFIX = 'argocd-image-updater.argoproj.io/';

const STRATEGIES: Readonly<Record<string, string>> = {
  semver: 'semver',
  'newest-build': 'newest-build',
  latest: 'newest-build',
  digest: 'digest',
  alphabetical: 'alphabetical',
  name: 'alphabetical',
};

/** One entry of `image-list`: alias, image name and the constraint after the last `:` of the last path part. */
export function parseImageListEntry(entry: string): { alias: string; image: string; constraint?: string } {
  const eq = entry.indexOf('=');
  const alias = eq >= 0 ? entry.slice(0, eq).trim() : '';
  const rest = (eq >= 0 ? entry.slice(eq + 1) : entry).trim();
  const slash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', slash + 1);
  const image = colon >= 0 ? rest.slice(0, colon) : rest;
  const constraint = colon >= 0 ? rest.slice(colon + 1) : undefined;
  return { alias: alias || image.split('/').pop()!, image, ...(constraint ? { constraint } : {}) };
}

function sourcePath(app: KubeObject): { path?: string; valueFiles: string[] } {
  const spec = app.spec ?? {};
  const source = (spec['source'] ?? (Array.isArray(spec['sources']) ? spec['sources'][0] : undefined)) as
    | Record<string, unknown>
    | undefined;
  const helm = (source?.['helm'] ?? {}) as Record<string, unknown>;
  return {
    ...(typeof source?.['path'] === 'string' ? { path: source['path'] } : {}),
    valueFiles: Array.isArray(helm['valueFiles']) ? helm['valueFiles'].map(String) : [],
  };
}

/** Where the controller would write: the write-back target when given, else the Application's source path. */
function target(
  app: KubeObject,
  annotations: Readonly<Record<string, string>>,
  notes: string[],
): { path: string; valuesFile?: string } | undefined {
  const { path, valueFiles } = sourcePath(app);
  const method = annotations[`${PREFIX}write-back-method`] ?? 'argocd';
  const targetSpec = annotations[`${PREFIX}write-back-target`];
  if (!method.startsWith('git'))
    notes.push(
      `${app.metadata?.name}: write-back-method ${method.split(':')[0]} keeps versions in the Application; Baton writes them to git ` +
        `in ${path ?? 'the source path'} instead.`,
    );
  if (!path) {
    notes.push(`${app.metadata?.name} (${app.file}) has no source path; skipped.`);
    return undefined;
  }
  const base = normaliseRepoPath(path, `${app.file}: spec.source.path`);
  if (targetSpec?.startsWith('helmvalues:')) {
    const file = targetSpec.slice('helmvalues:'.length);
    const resolved = file.startsWith('/') ? normaliseRepoPath(file.slice(1)) : normaliseRepoPath(`${base}/${file}`);
    return { path: base, valuesFile: resolved };
  }
  if (targetSpec?.startsWith('kustomization:')) {
    const dir = targetSpec.slice('kustomization:'.length);
    return { path: dir.startsWith('/') ? normaliseRepoPath(dir.slice(1)) : normaliseRepoPath(`${base}/${dir}`) };
  }
  return { path: base, ...(valueFiles[0] ? { valuesFile: normaliseRepoPath(`${base}/${valueFiles[0]}`) } : {}) };
}

/** Reads every Application with an `image-list` annotation. */
export function importArgoCd(objects: readonly KubeObject[]): ImportResult {
  const notes: string[] = [];
  const policies = new Map<string, PolicyYaml>();
  const environments: ImportedEnvironment[] = [];
  const markers: ImportedMarker[] = [];
  for (const app of objects.filter((o) => o.kind === 'Application' && /^argoproj\.io\//.test(o.apiVersion ?? ''))) {
    const annotations = app.metadata?.annotations ?? {};
    const list = annotations[`${PREFIX}image-list`];
    if (!list) continue;
    const where = target(app, annotations, notes);
    if (!where) continue;
    const appName = app.metadata?.name ?? 'app';
    const names: string[] = [];
    for (const entry of list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const { alias, image, constraint } = parseImageListEntry(entry);
      const get = (key: string) => annotations[`${PREFIX}${alias}.${key}`];
      const raw = get('update-strategy') ?? 'semver';
      const strategy = STRATEGIES[raw];
      if (!strategy) {
        notes.push(`${appName}: ${alias}.update-strategy "${raw}" is not one Argo CD Image Updater knows; ${alias} skipped.`);
        continue;
      }
      const policy: PolicyYaml = { image, strategy };
      if (strategy === 'semver' && constraint) policy['range'] = constraint;
      if (strategy === 'digest') policy['tag'] = constraint ?? 'latest';
      const allow = get('allow-tags');
      if (allow) policy['allow'] = [allow];
      const ignore = get('ignore-tags');
      if (ignore)
        policy['ignore'] = ignore
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      const platform = get('platforms')?.split(',')[0]?.trim();
      if (platform) policy['platform'] = platform;
      const name = `${appName}-${alias}`;
      policies.set(name, policy);
      names.push(name);
      const ref = imageName(parseImageRef(image));
      const nameKey = get('helm.image-name');
      const tagKey = get('helm.image-tag');
      const specKey = get('helm.image-spec');
      if (where.valuesFile && (nameKey || tagKey || specKey)) {
        if (specKey) markers.push({ file: where.valuesFile, key: specKey, marker: `baton: ${ref}` });
        if (nameKey) markers.push({ file: where.valuesFile, key: nameKey, marker: `baton: ${ref}:name` });
        if (tagKey)
          markers.push({ file: where.valuesFile, key: tagKey, marker: `baton: ${ref}:${strategy === 'digest' ? 'digest' : 'tag'}` });
      }
    }
    if (names.length > 0) environments.push({ name: appName, path: where.path, mode: 'push', update: names });
  }
  return { policies, environments, markers, notes };
}
