/** build-push's inputs, checked before anything is touched: each problem is a UserError naming the input. */
import type { BuilderName } from '../../adapters/builders/types.ts';
import { isLayoutReference, parseLayoutReference } from '../../adapters/registry/open-image.ts';
import { formatPlatform, type PlatformSpec, parsePlatform } from '../../adapters/registry/platform.ts';
import { type KeyValue, parseKeyValues } from '../../core/build/key-values.ts';
import { checkTemplate } from '../../core/build/tags.ts';
import { UserError } from '../../core/errors.ts';
import { type ImageRef, parseImageRef } from '../../core/image-ref.ts';
import type { buildPushSpec } from '../../specs/build-push.ts';
import type { InputsOf } from '../../specs/types.ts';

/** The typed inputs of build-push. */
export interface BuildPushInputs {
  /** The repository to push to (for a layout: registry `oci`, repository the absolute directory); no tag. */
  readonly imageRef: ImageRef;
  /** True for `oci:<dir>`. */
  readonly layout: boolean;
  readonly context: string;
  readonly file?: string;
  readonly target?: string;
  readonly buildArgs: readonly KeyValue[];
  readonly platforms: readonly PlatformSpec[];
  readonly builder: BuilderName | 'auto';
  /** Tag templates: the tag of `image`, then the `tags` input. */
  readonly tags: readonly string[];
  readonly labels: readonly KeyValue[];
  readonly push: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly insecureRegistries: readonly string[];
  readonly dryRun: boolean;
}

function parseImage(text: string): { ref: ImageRef; layout: boolean } {
  const layout = isLayoutReference(text);
  const ref = layout ? parseLayoutReference(text, 'image') : parseImageRef(text, 'image');
  if (ref.digest)
    throw new UserError(`image: "${text}" has a digest; name the repository to push to (and a tag if you like), not an image.`, {
      input: 'image',
    });
  return { ref, layout };
}

function parsePlatforms(items: readonly string[]): PlatformSpec[] {
  const platforms = items.map((item) => parsePlatform(item, 'platforms'));
  const names = platforms.map(formatPlatform);
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup) throw new UserError(`platforms: ${dup} is given twice.`, { input: 'platforms' });
  return platforms;
}

type Values = InputsOf<typeof buildPushSpec>;

function credentials({ username, password }: Values): { username?: string; password?: string } {
  if (username && !password)
    throw new UserError('password: username is given but password is not; give both, or neither to use the credential stores.', {
      input: 'password',
    });
  if (password && !username)
    throw new UserError('username: password is given but username is not; give both, or neither to use the credential stores.', {
      input: 'username',
    });
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** Checks build-push's inputs and turns them into {@link BuildPushInputs}. */
export function buildPushInputs(values: Values): BuildPushInputs {
  const { ref, layout } = parseImage(values.image);
  const tags = [...(ref.tag ? [ref.tag] : []), ...values.tags];
  for (const template of tags) checkTemplate(template, 'tags');
  const { target, file } = values;
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(target))
    throw new UserError(`target: "${target}" is not a stage name.`, { input: 'target' });
  const { tag: _tag, ...untagged } = ref;
  return {
    imageRef: untagged,
    layout,
    context: values.context,
    ...(file ? { file } : {}),
    ...(target ? { target } : {}),
    buildArgs: parseKeyValues(values['build-args'], 'build-args', 'build-arg'),
    platforms: parsePlatforms(values.platforms),
    builder: values.builder,
    tags,
    labels: parseKeyValues(values.labels, 'labels', 'label'),
    push: values.push,
    ...credentials(values),
    insecureRegistries: values['insecure-registries'],
    dryRun: values['dry-run'],
  };
}
