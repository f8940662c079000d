import type { Forge } from '../../adapters/forges/types.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { RegistryClient } from '../../adapters/registry/registry-client.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import type { EnvRepoCheckout } from '../shared/env-repo.ts';
import type { ForgeOptions } from '../shared/identity.ts';

/** Side effects update uses, injectable for tests. */
export interface UpdateDeps {
  clone(remote: GitRemote, options: { branch?: string; sparsePaths: string[]; identity: GitIdentity }): Promise<EnvRepoCheckout>;
  forge(options: ForgeOptions): Forge;
  readonly retry: RetryPolicy;
  registry(options: { insecure: readonly string[] }): RegistryClient;
}
