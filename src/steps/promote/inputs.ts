/** The typed, checked inputs of promote: every one checked before anything is cloned or copied. */
import type { Pin } from '../../core/edit/types.ts';
import type { WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { validateTag } from '../../core/image-ref.ts';
import { parseCopyTo } from '../../core/promote/images.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import type { promoteSpec } from '../../specs/promote.ts';
import type { InputsOf } from '../../specs/types.ts';
import { parseIdentity } from '../shared/identity.ts';

/** The inputs of promote. */
export interface PromoteInputs {
  readonly repo: string;
  readonly from?: string;
  readonly to: readonly string[];
  /** Image names (no tag) to promote; all of the source's when empty. */
  readonly images: readonly string[];
  readonly branch?: string;
  readonly mode?: WriteMode;
  readonly requireVerified: boolean;
  /** Path of the allowed-signers file: the source commit must carry a good signature by one of its keys. */
  readonly allowedSigners?: string;
  readonly soakMs: number;
  readonly pin: Extract<Pin, 'digest' | 'tag+digest'>;
  readonly copyTo?: { readonly registry: string; readonly prefix: string };
  readonly tagAs?: string;
  readonly insecureRegistries: readonly string[];
  readonly overrideHold: boolean;
  readonly allowDowngrade: boolean;
  readonly token?: string;
  readonly sourceToken?: string;
  readonly forge: 'auto' | 'github' | 'gitlab';
  readonly apiUrl?: string;
  readonly author: GitIdentity;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  readonly dryRun: boolean;
}

/** Checks promote's inputs. */
export function promoteInputs(values: InputsOf<typeof promoteSpec>): PromoteInputs {
  const { to, from } = values;
  if (from && to.includes(from))
    throw new UserError(`from: "${from}" is also a target; promote from another environment.`, { input: 'from' });
  const soakMs = values.soak;
  if (soakMs > 0 && !values['require-verified']) {
    throw new UserError('soak: a soak time is measured from the verification record; it needs require-verified: true.', { input: 'soak' });
  }
  const tagAs = values['tag-as'];
  if (tagAs) validateTag(tagAs, 'tag-as');
  const copyTo = values['copy-to'];
  return {
    repo: values.repo,
    from,
    to,
    images: values.image,
    branch: values.branch,
    mode: values.mode,
    requireVerified: values['require-verified'],
    soakMs,
    pin: values.pin,
    ...(copyTo ? { copyTo: parseCopyTo(copyTo) } : {}),
    tagAs,
    insecureRegistries: values['insecure-registries'],
    overrideHold: values['override-hold'],
    allowDowngrade: values['allow-downgrade'],
    token: values.token,
    sourceToken: values['source-token'],
    forge: values.forge,
    apiUrl: values['api-url'],
    author: parseIdentity(values.author),
    labels: values.labels,
    autoMerge: values['auto-merge'],
    dryRun: values['dry-run'],
    allowedSigners: values['allowed-signers'],
  };
}
