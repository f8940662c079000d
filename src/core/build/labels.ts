/** The OCI labels a build carries (OCI image spec, annotations.md "Pre-Defined Annotation Keys"). */
import type { KeyValue } from './key-values.ts';
import type { SourceContext } from './source-context.ts';
import { buildVersion } from './tags.ts';

/** The label keys Baton sets. */
export const OciLabel = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
  version: 'org.opencontainers.image.version',
} as const;

/**
 * The time an image says it was created, in seconds since the epoch: `SOURCE_DATE_EPOCH` when set
 * (reproducible-builds.org), else the source commit's time (the same for every rebuild of a commit),
 * else `now`.
 */
export function createdEpoch(sourceDateEpoch: number | undefined, context: SourceContext, now: Date): number {
  return sourceDateEpoch ?? context.commitTime ?? Math.floor(now.getTime() / 1000);
}

/** `org.opencontainers.image.*` labels from the context, then the user's labels (which win). */
export function buildLabels(context: SourceContext, createdSeconds: number, user: readonly KeyValue[]): KeyValue[] {
  const labels = new Map<string, string>();
  if (context.repositoryUrl) labels.set(OciLabel.source, context.repositoryUrl);
  if (context.sha) labels.set(OciLabel.revision, context.sha);
  labels.set(OciLabel.created, new Date(createdSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z'));
  const version = buildVersion(context);
  if (version) labels.set(OciLabel.version, version);
  for (const [key, value] of user) labels.set(key, value);
  return [...labels];
}
