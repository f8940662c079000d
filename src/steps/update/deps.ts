import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge } from '../../adapters/forges/detect.ts';
import { GitRepo } from '../../adapters/git/git-repo.ts';
import { RegistryClient } from '../../adapters/registry/registry-client.ts';
import type { UpdateDeps } from './types.ts';

/** Update wired to the real git CLI, forge APIs and registries (credentials from the environment). Clones go under `RUNNER_TEMP`. */
export function defaultUpdateDeps(env: Readonly<Record<string, string | undefined>> = process.env): UpdateDeps {
  return {
    async clone(remote, options) {
      const dir = await mkdtemp(join(env['RUNNER_TEMP'] || tmpdir(), 'baton-env-'));
      try {
        return await GitRepo.clone(remote, { ...options, dir });
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    // The push-race bound of the writing steps: an update's push competes with bumps.
    retry: { attempts: 40, baseDelayMs: 200, maxDelayMs: 3_000 },
    registry: ({ insecure }) => new RegistryClient({ env, insecureRegistries: insecure }),
  };
}
