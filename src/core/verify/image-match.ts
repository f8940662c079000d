/**
 * Whether a workload runs the expected image: first in its pod template (has Git's change reached the
 * cluster?), then in the new pods (did the node pull what was pushed?). Compared by repository, tag and,
 * when given, digest; references are normalised the way Docker does, so `nginx` is `docker.io/library/nginx`.
 */
import { formatFamiliar, type ImageRef, sameImage, shortDigest, tryParseImageRef } from '../image-ref.ts';
import { arrayAt, field } from './fields.ts';
import { containerStatuses } from './pods.ts';
import type { KubeObject } from './types.ts';

/** How the template compares: it runs the expected image, another version of it, or not that image at all. */
export type TemplateImage =
  | { readonly state: 'match'; readonly image: string }
  | { readonly state: 'other'; readonly image: string }
  | { readonly state: 'absent' };

/** The pod spec of a workload: `spec.template.spec` (Deployment, StatefulSet, DaemonSet, Job, Rollout). */
function podSpec(object: KubeObject): unknown {
  return field(object, 'spec.template.spec');
}

/** Every image a workload's pod template names, init containers included. */
export function templateImages(object: KubeObject): string[] {
  const spec = podSpec(object);
  const containers = [...arrayAt<{ image?: string }>(spec, 'initContainers'), ...arrayAt<{ image?: string }>(spec, 'containers')];
  return containers.map((c) => c.image ?? '').filter(Boolean);
}

function versionMatches(found: ImageRef, expected: ImageRef): boolean {
  if (expected.digest) {
    if (found.digest) return found.digest === expected.digest;
    return expected.tag !== undefined && found.tag === expected.tag;
  }
  return found.tag === expected.tag || (found.tag === undefined && expected.tag === 'latest');
}

/** Compares the template's containers with the expected image. */
export function checkTemplateImage(object: KubeObject, expected: ImageRef): TemplateImage {
  const candidates = templateImages(object)
    .map((text) => ({ text, ref: tryParseImageRef(text) }))
    .filter((c): c is { text: string; ref: ImageRef } => c.ref !== undefined && sameImage(c.ref, expected));
  if (candidates.length === 0) return { state: 'absent' };
  const other = candidates.find((c) => !versionMatches(c.ref, expected));
  return other ? { state: 'other', image: other.text } : { state: 'match', image: candidates[0]!.text };
}

/**
 * A new pod whose container runs the expected repository under another digest than the expected one:
 * the tag was moved, or the node resolved something else. Undefined when all agree or nothing says.
 */
export function podDigestMismatch(pods: readonly KubeObject[], expected: ImageRef): string | undefined {
  if (!expected.digest) return undefined;
  for (const pod of pods) {
    for (const status of containerStatuses(pod)) {
      const ref = tryParseImageRef(String(status.imageID ?? '').replace(/^[a-z-]+:\/\//, ''));
      const named = tryParseImageRef(status.image ?? '');
      const same = (ref && sameImage(ref, expected)) || (named && sameImage(named, expected));
      if (!same || !ref?.digest || ref.digest === expected.digest) continue;
      return `pod ${pod.metadata.name}: container "${status.name}" runs ${shortDigest(ref.digest)}, expected ${formatFamiliar(expected)}`;
    }
  }
  return undefined;
}
