/** The side effects of promote: those of the history steps, an OCI registry client and the source forge. */
import { listCommitsBetween } from '../../adapters/forges/compare.ts';
import { RegistryClient } from '../../adapters/registry/registry-client.ts';
import type { OciClient } from '../../adapters/registry/types.ts';
import type { SourceCommit } from '../../core/promote/text.ts';
import { defaultHistoryDeps, type HistoryDeps } from '../shared/history-deps.ts';

/** Which commits lie between two revisions of an image's source repository. */
export interface CommitsRequest {
  /** The source repository's web URL (from `org.opencontainers.image.source`). */
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly token?: string;
}

/** Side effects promote uses, injectable for tests. */
export interface PromoteDeps extends HistoryDeps {
  /** An OCI client; `quick` ones try once (labels only add links to the PR/MR body). */
  registry(options: { insecure: readonly string[]; quick?: boolean }): OciClient;
  /** The commits between two source revisions, when the forge API can list them; undefined otherwise. */
  commitsBetween?(request: CommitsRequest): Promise<readonly SourceCommit[] | undefined>;
}

/** The real side effects: git, the forges, and registries with credentials from the environment. */
export function defaultPromoteDeps(env: Readonly<Record<string, string | undefined>> = process.env): PromoteDeps {
  return {
    ...defaultHistoryDeps(env),
    registry: ({ insecure, quick }) =>
      new RegistryClient({ env, insecureRegistries: insecure, ...(quick ? { retry: { attempts: 1 } } : {}) }),
    commitsBetween: (request) => listCommitsBetween({ ...request, env }),
  };
}
