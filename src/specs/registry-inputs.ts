/** Inputs shared by the steps that talk to registries (build-push, promote, update). */
import type { InputSpec } from './types.ts';

/** `insecure-registries`: the only registries reached over plain HTTP or unverified TLS. */
export const insecureRegistriesInput = {
  name: 'insecure-registries',
  type: 'list',
  env: ['BATON_INSECURE_REGISTRIES'],
  description: 'Registries (host:port) that may be reached over plain HTTP or without verifying TLS. Nothing else ever is.',
} as const satisfies InputSpec;
