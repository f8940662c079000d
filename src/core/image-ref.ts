import { UserError } from './errors.ts';

/**
 * A parsed container image reference, normalised the way Docker does it:
 * `nginx` → registry `docker.io`, repository `library/nginx`.
 */
export interface ImageRef {
  /** Registry host with optional port, lowercase (`docker.io`, `ghcr.io`, `localhost:5000`). */
  readonly registry: string;
  /** Repository path inside the registry, lowercase (`library/nginx`, `acme/api`). */
  readonly repository: string;
  /** Tag, if the reference had one. */
  readonly tag?: string;
  /** Digest (`sha256:<64 hex>`), if the reference had one. */
  readonly digest?: string;
}

/** Docker Hub's canonical registry name and the aliases that mean the same registry. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

// Grammar from distribution/reference (reference.go): tag, path component, domain and digest.
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_RE = /^\[[0-9a-fA-F:]+\]$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const KNOWN_DIGESTS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};
const MAX_NAME_LENGTH = 255;

/** True when `tag` satisfies the OCI/Docker tag grammar `[\w][\w.-]{0,127}`. */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Checks a tag against the OCI tag grammar; the message shows the offending part. */
export function validateTag(tag: string, input = 'tag'): string {
  if (!isValidTag(tag)) {
    const why =
      tag.length === 0
        ? 'it is empty'
        : tag.length > 128
          ? `it is ${tag.length} characters long (at most 128)`
          : /^[.-]/.test(tag)
            ? `it starts with "${tag[0]}"`
            : `"${[...tag].find((c) => !/[\w.-]/.test(c))}" is not allowed`;
    throw new UserError(
      `${input}: "${tag}" is not a valid tag: ${why}. A tag is letters, digits, "_", "." and "-", ` +
        'up to 128 characters, not starting with "." or "-".',
      { input },
    );
  }
  return tag;
}

/** Checks a digest (`algorithm:hex`); sha256 and sha512 must have lowercase hex of the right length. */
export function validateDigest(digest: string, input = 'digest'): string {
  const colon = digest.indexOf(':');
  const algorithm = colon < 0 ? '' : digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const known = KNOWN_DIGESTS[algorithm];
  if (!DIGEST_RE.test(digest) || (known && !known.test(hex))) {
    const detail = known
      ? `${algorithm} needs ${algorithm === 'sha256' ? 64 : 128} lowercase hex digits, got "${hex}"`
      : `expected "sha256:<64 hex digits>"`;
    throw new UserError(`${input}: "${digest}" is not a valid digest: ${detail}.`, { input });
  }
  return digest;
}

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

function validateDomain(domain: string, whole: string, input: string): void {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    host = domain.slice(0, end + 1);
    port = domain.slice(end + 1).replace(/^:/, '') || undefined;
    if (!IPV6_RE.test(host)) throw bad(whole, `registry "${domain}" is not a valid host`, input);
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (!host.split('.').every((part) => DOMAIN_COMPONENT_RE.test(part))) {
      throw bad(whole, `registry "${domain}" is not a valid host`, input);
    }
  }
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) {
    throw bad(whole, `registry port "${port}" is not a number`, input);
  }
}

function bad(whole: string, why: string, input: string): UserError {
  return new UserError(`${input}: "${whole}" is not a valid image reference: ${why}.`, { input });
}

/**
 * Parses `[registry[:port]/]name[:tag][@digest]` and normalises it as Docker does.
 * Throws a {@link UserError} naming `input` and the offending part.
 */
export function parseImageRef(text: string, input = 'image'): ImageRef {
  const whole = text;
  const trimmed = text.trim();
  if (trimmed === '') throw new UserError(`${input}: an image reference is required, got an empty value.`, { input });
  if (/\s/.test(trimmed)) throw bad(whole, 'it contains white space', input);

  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.includes('@')) throw bad(whole, 'it has more than one "@"', input);
    validateDigest(digest, input);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    validateTag(tag, input);
  }
  if (rest === '') throw bad(whole, 'the name is empty', input);

  const components = rest.split('/');
  let registry = DOCKER_HUB;
  if (components.length > 1 && looksLikeDomain(components[0]!)) {
    const domain = components.shift()!;
    validateDomain(domain, whole, input);
    registry = domain.toLowerCase();
    if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  }
  const lowered = components.map((c) => c.toLowerCase());
  for (const component of lowered) {
    if (!PATH_COMPONENT_RE.test(component)) {
      throw bad(whole, component === '' ? 'it has an empty path component' : `path component "${component}" is not allowed`, input);
    }
  }
  if (registry === DOCKER_HUB && lowered.length === 1) lowered.unshift('library');
  const repository = lowered.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    throw bad(whole, `the name is longer than ${MAX_NAME_LENGTH} characters`, input);
  }
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** Parses a reference, returning undefined instead of throwing (for values found in files). */
export function tryParseImageRef(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}

/** The fully qualified name without tag or digest: `docker.io/library/nginx`. */
export function imageName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The name as people write it: `nginx`, `acme/api`, `ghcr.io/acme/api`. */
export function familiarName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  if (ref.registry !== DOCKER_HUB) return imageName(ref);
  return ref.repository.startsWith('library/') && ref.repository.split('/').length === 2
    ? ref.repository.slice('library/'.length)
    : ref.repository;
}

/** The canonical form: `docker.io/library/nginx:1.25@sha256:…` (tag and digest when present). */
export function formatImageRef(ref: ImageRef): string {
  return imageName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** The familiar form: `nginx:1.25@sha256:…`. */
export function formatFamiliar(ref: ImageRef): string {
  return familiarName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** True when both references name the same repository (tag and digest ignored). */
export function sameImage(a: Pick<ImageRef, 'registry' | 'repository'>, b: Pick<ImageRef, 'registry' | 'repository'>): boolean {
  return a.registry === b.registry && a.repository === b.repository;
}

/** The short form of a digest for messages: `sha256:1a2b3c4d5e6f`. */
export function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}
