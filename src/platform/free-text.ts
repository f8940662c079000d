/**
 * Secrets never travel inside free text. A token pasted into a commit message, an author, a rollback
 * reason or PR/MR labels would be masked in the log but pushed in clear into the env repo or the forge,
 * so such a value is refused before anything is touched.
 */
import { UserError } from '../core/errors.ts';
import type { InputValues, StepSpec } from '../specs/types.ts';

/** Variables that hold a token on the CI platforms, whether or not a step's inputs name them. */
export const TOKEN_VARIABLES = ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'CI_JOB_TOKEN', 'CI_REGISTRY_PASSWORD'] as const;

/** Shorter values are not searched for: they would match ordinary words and say nothing about a leak. */
const MIN_SECRET_LENGTH = 6;

/** Where a secret value came from, named without the value. */
interface KnownSecret {
  readonly value: string;
  readonly source: string;
}

/** The secret values in play: the step's secret inputs, their variables, and the CI token variables. */
function knownSecrets(spec: StepSpec, values: InputValues, env: Readonly<Record<string, string | undefined>>): KnownSecret[] {
  const found: KnownSecret[] = [];
  const variables = new Set<string>(TOKEN_VARIABLES);
  for (const input of spec.inputs) {
    if (!input.secret) continue;
    const value = values[input.name];
    if (typeof value === 'string') found.push({ value, source: `the ${input.name} input` });
    for (const name of input.env ?? []) variables.add(name);
  }
  for (const name of variables) {
    const value = env[name]?.trim();
    if (value) found.push({ value, source: `$${name}` });
  }
  return found.filter((secret) => secret.value.length >= MIN_SECRET_LENGTH);
}

/**
 * Throws a UserError (exit 2) naming the first free-text input (see `InputSpec.freeText`) that holds a
 * secret value, and where that secret comes from; the value itself is never repeated.
 */
export function refuseSecretsInFreeText(spec: StepSpec, values: InputValues, env: Readonly<Record<string, string | undefined>>): void {
  const secrets = knownSecrets(spec, values, env);
  if (secrets.length === 0) return;
  for (const input of spec.inputs) {
    if (!input.freeText) continue;
    const value = values[input.name];
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    const secret = secrets.find((candidate) => texts.some((text: string) => text.includes(candidate.value)));
    if (secret) {
      throw new UserError(
        `${input.name}: holds the value of ${secret.source}, a secret; it would be written in clear where others read it (commit, ` +
          `hold, pull/merge request). Remove it.`,
        { input: input.name },
      );
    }
  }
}
