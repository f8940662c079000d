/** The typed, checked inputs of promote: every one checked before anything is cloned or copied. */
import type { Pin } from '../../core/edit/types.ts';
import type { WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { validateTag } from '../../core/image-ref.ts';
import { parseCopyTo } from '../../core/promote/images.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import type { InputValues } from '../../specs/types.ts';
import { parseIdentity } from '../bump/step.ts';

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

function optional(values: InputValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Checks promote's inputs. */
export function promoteInputs(values: InputValues): PromoteInputs {
  const to = values['to'] as string[];
  const from = optional(values, 'from');
  if (from && to.includes(from)) throw new UserError(`from: "${from}" is also a target; promote from another environment.`, { input: 'from' });
  const soakMs = Number(values['soak'] ?? 0);
  if (soakMs > 0 && values['require-verified'] === false) {
    throw new UserError('soak: a soak time is measured from the verification record; it needs require-verified: true.', { input: 'soak' });
  }
  const tagAs = optional(values, 'tag-as');
  if (tagAs) validateTag(tagAs, 'tag-as');
  const copyTo = optional(values, 'copy-to');
  const texts: [string, string | undefined][] = [
    ['from', from],
    ['branch', optional(values, 'branch')],
    ['mode', optional(values, 'mode')],
    ['tagAs', tagAs],
    ['token', optional(values, 'token')],
    ['sourceToken', optional(values, 'source-token')],
    ['apiUrl', optional(values, 'api-url')],
    ['allowedSigners', optional(values, 'allowed-signers')],
  ];
  return {
    repo: String(values['repo']),
    to,
    images: values['image'] as string[],
    requireVerified: values['require-verified'] !== false,
    soakMs,
    pin: values['pin'] as PromoteInputs['pin'],
    ...(copyTo ? { copyTo: parseCopyTo(copyTo) } : {}),
    insecureRegistries: (values['insecure-registries'] as string[] | undefined) ?? [],
    overrideHold: values['override-hold'] === true,
    allowDowngrade: values['allow-downgrade'] === true,
    forge: values['forge'] as PromoteInputs['forge'],
    author: parseIdentity(String(values['author'])),
    labels: (values['labels'] as string[] | undefined) ?? [],
    autoMerge: values['auto-merge'] === true,
    dryRun: values['dry-run'] === true,
    ...Object.fromEntries(texts.filter(([, v]) => v !== undefined)),
  } as PromoteInputs;
}
