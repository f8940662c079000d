import { isMap, LineCounter, parseDocument } from 'yaml';
import { UserError } from '../errors.ts';
import { RULES } from './rules.ts';
import type { Level, LevelSetting } from './types.ts';

/**
 * The policy file: rule levels for every environment, and per environment.
 *
 * ```yaml
 * rules:
 *   resources: error          # error | warning | notice | off
 * environments:
 *   production:
 *     require-digest: true    # turns image-digest on (error) here
 *     rules:
 *       readiness-probe: error
 * ```
 */
export interface PolicyConfig {
  readonly rules: Readonly<Record<string, LevelSetting>>;
  readonly environments: Readonly<Record<string, EnvironmentPolicy>>;
}

/** What the policy file says for one environment. */
export interface EnvironmentPolicy {
  readonly rules: Readonly<Record<string, LevelSetting>>;
  readonly requireDigest: boolean;
}

/** No policy file: every rule at its default level. */
export const DEFAULT_POLICY: PolicyConfig = { rules: {}, environments: {} };

const LEVELS = new Set(['error', 'warning', 'notice', 'off']);

function fail(file: string, message: string): never {
  throw new UserError(`policy: ${file}: ${message}`, { input: 'policy' });
}

function asRecord(value: unknown, file: string, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(file, `${what} must be a mapping`);
  return value as Record<string, unknown>;
}

function parseRules(value: unknown, file: string, where: string): Record<string, LevelSetting> {
  const rules: Record<string, LevelSetting> = {};
  for (const [id, level] of Object.entries(asRecord(value, file, where))) {
    if (!RULES.some((rule) => rule.id === id)) fail(file, `${where}.${id}: no such rule (known: ${RULES.map((r) => r.id).join(', ')})`);
    // Why: YAML 1.1 reads a bare `off` as false.
    const text = level === false ? 'off' : String(level);
    if (!LEVELS.has(text)) fail(file, `${where}.${id}: "${text}" is not a level; use error, warning, notice or off`);
    rules[id] = text as LevelSetting;
  }
  return rules;
}

function parseEnvironment(name: string, value: unknown, file: string): EnvironmentPolicy {
  const record = asRecord(value, file, `environments.${name}`);
  for (const key of Object.keys(record)) {
    if (key !== 'rules' && key !== 'require-digest') fail(file, `environments.${name}.${key}: unknown key (known: rules, require-digest)`);
  }
  const requireDigest = record['require-digest'] ?? false;
  if (typeof requireDigest !== 'boolean') fail(file, `environments.${name}.require-digest must be true or false`);
  return { rules: parseRules(record['rules'], file, `environments.${name}.rules`), requireDigest };
}

/** Parses a policy file; every problem is a UserError naming the file (and line:column for syntax). */
export function parsePolicyConfig(text: string, file: string): PolicyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, version: '1.1' });
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    fail(`${file}:${pos.line}:${pos.col}`, error.message.split('\n')[0]!);
  }
  if (doc.contents !== null && !isMap(doc.contents)) fail(file, 'the top level must be a mapping with rules and environments');
  const data = asRecord(doc.toJS(), file, 'the file');
  for (const key of Object.keys(data))
    if (key !== 'rules' && key !== 'environments') fail(file, `unknown top-level key "${key}" (known: rules, environments)`);
  const environments: Record<string, EnvironmentPolicy> = {};
  for (const [name, value] of Object.entries(asRecord(data['environments'], file, 'environments')))
    environments[name] = parseEnvironment(name, value, file);
  return { rules: parseRules(data['rules'], file, 'rules'), environments };
}

/** The level of a rule in an environment: the environment's setting (and require-digest), then the file's, then the default. */
export function levelFor(config: PolicyConfig, rule: string, env: string | undefined): LevelSetting {
  const envPolicy = env === undefined ? undefined : config.environments[env];
  const envLevel = envPolicy?.rules[rule];
  if (envLevel) return envLevel;
  if (rule === 'image-digest' && envPolicy?.requireDigest) return 'error';
  return config.rules[rule] ?? RULES.find((r) => r.id === rule)?.defaultLevel ?? 'error';
}

/** A level setting as a finding's level, or undefined for `off`. */
export function activeLevel(setting: LevelSetting): Level | undefined {
  return setting === 'off' ? undefined : setting;
}
