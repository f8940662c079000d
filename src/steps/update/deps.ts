import { createForge } from '../../adapters/forges/detect.ts';
import { RegistryClient } from '../../adapters/registry/registry-client.ts';
import { cloneEnvRepo, PUSH_RETRY } from '../shared/clone.ts';
import type { UpdateDeps } from './types.ts';

/** Update wired to the real git CLI, forge APIs and registries (credentials from the environment). Clones go under `RUNNER_TEMP`. */
export function defaultUpdateDeps(env: Readonly<Record<string, string | undefined>> = process.env): UpdateDeps {
  return {
    clone: cloneEnvRepo({ env }),
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    // The push-race bound of the writing steps: an update's push competes with bumps.
    retry: PUSH_RETRY,
    registry: ({ insecure }) => new RegistryClient({ env, insecureRegistries: insecure }),
  };
}
