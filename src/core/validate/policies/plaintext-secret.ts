import { finding, type PolicyRule } from './types.ts';

function hasEntries(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

/** `plaintext-secret`: a core `Secret` with data in git is readable by everyone who can read the repo. */
export const plaintextSecretRule: PolicyRule = {
  id: 'plaintext-secret',
  title: 'Plaintext Secret with data',
  defaultLevel: 'error',
  fix: 'Keep secret values out of git: use a SealedSecret, an ExternalSecret, or encrypt the file with SOPS.',
  check(resource) {
    if (resource.id.kind !== 'Secret' || resource.id.apiVersion !== 'v1') return [];
    // Why: a SOPS-encrypted manifest carries a top-level `sops` block and ENC[...] values; it is safe.
    if ('sops' in resource.object) return [];
    const keys = ['data', 'stringData'].filter((key) => hasEntries(resource.object[key]));
    return keys.map((key) =>
      finding(plaintextSecretRule, resource, `/${key}`, `Secret "${resource.id.name}" holds ${key} in plain text`, true),
    );
  },
};
