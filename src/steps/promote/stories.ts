/**
 * What the PR/MR body and the summary tell about each promoted image besides the change: the version
 * the target held, the source revisions from the images' labels with a compare link, and the commits
 * between them when the forge lists them. Everything here is best effort: a registry or forge that does
 * not answer costs a link, never the promotion.
 */
import { describeError } from '../../core/errors.ts';
import { imageName } from '../../core/image-ref.ts';
import { compareUrl, forgeHostsFromEnv, REVISION_LABEL, SOURCE_LABEL, sourceWebUrl } from '../../core/promote/compare.ts';
import type { PromotedImage } from '../../core/promote/images.ts';
import type { ImageStory } from '../../core/promote/text.ts';
import type { GuardedPlan } from '../../core/rollback/guard.ts';
import type { OciClient } from '../../adapters/registry/types.ts';
import type { SourceRun } from './types.ts';
import type { PromoteDeps } from './deps.ts';
import type { PromoteInputs } from './inputs.ts';
import { imageLabels, resolveDigest } from './registry.ts';
import type { StepContext } from '../shared/types.ts';

type Story = NonNullable<ImageStory['source']>;

/** The source side of one image: revisions, compare link, commits between. */
async function sourceOf(
  client: OciClient,
  image: PromotedImage,
  old: ImageStory['old'],
  inputs: PromoteInputs,
  deps: PromoteDeps,
  context: StepContext,
): Promise<{ source?: Story; commits?: ImageStory['commits'] }> {
  const log = (line: string) => context.log.info(line);
  const labels = await imageLabels(client, image.source, log);
  const url = labels?.[SOURCE_LABEL] ? sourceWebUrl(labels[SOURCE_LABEL]) : undefined;
  const to = labels?.[REVISION_LABEL];
  if (!url && !to) return {};
  const oldDigest = old?.digest ?? (old ? await resolveDigest(client, old).catch(() => undefined) : undefined);
  const oldLabels = old && oldDigest ? await imageLabels(client, { ...old, digest: oldDigest }, log) : undefined;
  const from = oldLabels?.[REVISION_LABEL];
  const compare = url && from && to && from !== to ? compareUrl(url, from, to, forgeHostsFromEnv(context.env)) : undefined;
  const source: Story = { ...(url ? { url } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(compare ? { compare } : {}) };
  if (!url || !from || !to || from === to || !deps.commitsBetween) return { source };
  const token = inputs.sourceToken ?? inputs.token;
  try {
    const commits = await deps.commitsBetween({ source: url, from, to, ...(token ? { token } : {}) });
    return { source, ...(commits ? { commits } : {}) };
  } catch (error) {
    log(`commits between ${from.slice(0, 8)} and ${to.slice(0, 8)} not listed: ${describeError(error)}`);
    return { source };
  }
}

/** The stories of a target's promotion, from its plan (the versions it held) and the source run. */
export async function storiesFor(
  plan: GuardedPlan,
  run: SourceRun,
  inputs: PromoteInputs,
  deps: PromoteDeps,
  context: StepContext,
): Promise<ImageStory[]> {
  const client = deps.registry({ insecure: inputs.insecureRegistries, quick: true });
  try {
    const stories: ImageStory[] = [];
    for (const image of run.images) {
      const old = plan.sites.get(imageName(image.target))?.[0]?.image;
      const extra = await sourceOf(client, image, old, inputs, deps, context);
      const copiedTo = run.copied.get(imageName(image.source));
      stories.push({ image, ...(old ? { old } : {}), ...extra, ...(copiedTo ? { copiedTo } : {}) });
    }
    return stories;
  } finally {
    await client.close();
  }
}
