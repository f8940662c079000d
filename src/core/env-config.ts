import { isMap, LineCounter, parseDocument } from 'yaml';
import { UserError } from './errors.ts';
import { normaliseRepoPath } from './repo-path.ts';
import { parseEnvUpdates, parseSharedPolicies } from './update/policy-config.ts';
import type { UpdatePolicy } from './update/types.ts';

/** How an environment receives changes. */
export type WriteMode = 'push' | 'pr';

/** One environment of an env repo, as `baton.yaml` (or the step's inputs) describe it. */
export interface Environment {
  readonly name: string;
  /** Directory inside the repo, normalised, forward slashes, no leading `./`; `.` for the root. */
  readonly path: string;
  readonly branch?: string;
  readonly mode?: WriteMode;
  readonly promoteFrom?: string;
  /** The update policies the environment follows (`update:`), shared ones resolved. */
  readonly update?: readonly UpdatePolicy[];
}

/** The parsed `baton.yaml` at an env repo's root. */
export interface EnvRepoConfig {
  readonly environments: ReadonlyMap<string, Environment>;
  /**
   * Flux `$imagepolicy` names mapped to images, for repos that keep Flux markers: plain entries of
   * `policies:`, and the image of every update policy under its name.
   */
  readonly policies: Readonly<Record<string, string>>;
  /** The update policies under `policies:` (mappings), by name. */
  readonly updatePolicies?: ReadonlyMap<string, UpdatePolicy>;
}

/** The name of the config file at the env repo root. */
export const CONFIG_FILE = 'baton.yaml';

const ENV_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ENV_KEYS = new Set(['path', 'branch', 'mode', 'promote-from', 'update']);

/** See core/repo-path.ts; re-exported here, where the other env-repo config rules are. */
export { normaliseRepoPath };

function fail(message: string, where: string): never {
  throw new UserError(`${CONFIG_FILE}${where}: ${message}`, { input: CONFIG_FILE });
}

function parseEnvironment(name: string, value: unknown, where: string): Environment {
  if (!ENV_NAME_RE.test(name)) fail(`environment name "${name}" may use letters, digits, ".", "_" and "-"`, where);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`environment "${name}" must be a mapping with at least "path"`, where);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!ENV_KEYS.has(key)) fail(`environment "${name}" has an unknown key "${key}" (known: ${[...ENV_KEYS].join(', ')})`, where);
  }
  const text = (key: string): string | undefined => {
    const v = record[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') fail(`environments.${name}.${key} must be a non-empty string`, where);
    return v.trim();
  };
  const path = text('path') ?? fail(`environments.${name}.path is required`, where);
  const mode = text('mode');
  if (mode !== undefined && mode !== 'push' && mode !== 'pr') fail(`environments.${name}.mode must be push or pr, not "${mode}"`, where);
  const branch = text('branch');
  const promoteFrom = text('promote-from');
  return {
    name,
    path: normaliseRepoPath(path, `${CONFIG_FILE}: environments.${name}.path`),
    ...(branch ? { branch } : {}),
    ...(mode ? { mode } : {}),
    ...(promoteFrom ? { promoteFrom } : {}),
  };
}

/** Parses `baton.yaml`; every problem is a UserError naming the file, line and column where it can. */
export function parseEnvRepoConfig(text: string): EnvRepoConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    fail(problem.message.split('\n')[0]!, `:${pos.line}:${pos.col}`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) fail('the top level must be a mapping with "environments"', '');
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (key !== 'environments' && key !== 'policies') fail(`unknown top-level key "${key}" (known: environments, policies)`, '');
  }
  const environments = new Map<string, Environment>();
  const envs = data['environments'] ?? {};
  if (typeof envs !== 'object' || envs === null || Array.isArray(envs)) fail('"environments" must be a mapping', '');
  const policies = data['policies'] ?? {};
  if (typeof policies !== 'object' || policies === null || Array.isArray(policies))
    fail('"policies" must map policy names to images or update policies', '');
  const updatePolicies = parseSharedPolicies(policies as Record<string, unknown>);
  for (const [name, value] of Object.entries(envs)) {
    const env = parseEnvironment(name, value, '');
    const update = parseEnvUpdates(name, (value as Record<string, unknown>)['update'], updatePolicies);
    environments.set(name, update.length > 0 ? { ...env, update } : env);
  }
  for (const env of environments.values()) {
    if (env.promoteFrom && !environments.has(env.promoteFrom)) {
      fail(`environments.${env.name}.promote-from names "${env.promoteFrom}", which is not an environment`, '');
    }
  }
  const markers: Record<string, string> = {};
  for (const [name, image] of Object.entries(policies)) {
    if (typeof image === 'string') markers[name] = image;
  }
  for (const env of environments.values()) for (const policy of env.update ?? []) markers[policy.name] ??= policy.image;
  for (const [name, policy] of updatePolicies) markers[name] = policy.image;
  return { environments, policies: markers, updatePolicies };
}

/**
 * Picks the environment a step works on: by `env` through the config, or by `path` directly.
 * Exactly one of them must be given.
 */
export function resolveEnvironment(
  config: EnvRepoConfig | undefined,
  inputs: { env?: string | undefined; path?: string | undefined },
): Environment {
  if (inputs.env && inputs.path) {
    throw new UserError('env and path: give one of them, not both.', { input: 'env' });
  }
  if (inputs.path) {
    const path = normaliseRepoPath(inputs.path);
    return { name: path === '.' ? 'root' : path.split('/').pop()!, path };
  }
  if (!inputs.env) throw new UserError('env: name an environment (from baton.yaml) or give path.', { input: 'env' });
  if (!config) {
    throw new UserError(`env: "${inputs.env}" cannot be resolved: the repo has no ${CONFIG_FILE}; give path instead.`, {
      input: 'env',
    });
  }
  return namedEnvironment(config, inputs.env);
}

/** The environment of baton.yaml called `name`; else a UserError naming `input` that lists the known ones. */
export function namedEnvironment(config: EnvRepoConfig, name: string, input = 'env'): Environment {
  const env = config.environments.get(name);
  if (env) return env;
  const known = [...config.environments.keys()].join(', ') || 'none';
  throw new UserError(`${input}: "${name}" is not an environment in ${CONFIG_FILE} (known: ${known}).`, { input });
}

/** The environments called `names`, in that order (the `env` input); every one of baton.yaml when none is named. */
export function pickEnvironments(config: EnvRepoConfig, names: readonly string[]): Environment[] {
  if (names.length === 0) return [...config.environments.values()];
  return names.map((name) => namedEnvironment(config, name));
}
