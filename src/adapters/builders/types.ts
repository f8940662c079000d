/** What every builder takes and gives (data only). */
import type { KeyValue } from '../../core/build/key-values.ts';
import type { ImageLocation } from '../registry/copy.ts';
import type { PlatformSpec } from '../registry/platform.ts';
import type { RegistryClient } from '../registry/registry-client.ts';

/** The builders Baton drives. */
export type BuilderName = 'buildx' | 'buildah' | 'podman' | 'kaniko' | 'layer';

/** Every builder, in the order `builder: auto` tries them. */
export const BUILDER_NAMES: readonly BuilderName[] = ['buildx', 'buildah', 'podman', 'kaniko', 'layer'];

/** One build. */
export interface BuildRequest {
  /** Absolute path of the context directory. */
  readonly context: string;
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  readonly dockerfileText: string;
  readonly target?: string;
  readonly buildArgs: readonly KeyValue[];
  /** Empty: the builder's default (the host's platform). */
  readonly platforms: readonly PlatformSpec[];
  /** Labels for the image config (OCI labels and the user's). */
  readonly labels: readonly KeyValue[];
  /** `SOURCE_DATE_EPOCH`, when set: timestamps in the image. */
  readonly sourceDateEpoch?: number;
  /** The created time, in seconds since the epoch, for builders that take one. */
  readonly created: number;
  /** A private directory for outputs, removed after the step. */
  readonly workDir: string;
  /** Registries reached over plain HTTP or without verifying TLS (base images). */
  readonly insecureRegistries: readonly string[];
  /** A containers `auth.json` for pulling base images, when credentials were given as inputs. */
  readonly authFile?: string;
  /** Where the layer builder stores the image; the others build into their own output. */
  readonly destination?: ImageLocation;
  /** The shared registry client (base images for the layer builder). */
  readonly registry: RegistryClient;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

/** The image a build made, where it now is. */
export interface BuiltImage {
  /** The client and reference (by digest) holding the image. */
  readonly location: ImageLocation;
  /** Digest of the top manifest (an index for several platforms). */
  readonly digest: string;
  readonly mediaType: string;
  /** Manifest digest per platform (`linux/amd64` → `sha256:…`). */
  readonly platforms: Readonly<Record<string, string>>;
}

/** Whether a builder can run here, and why not. */
export type Availability = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/** A builder: probe it, then build with it. */
export interface Builder {
  readonly name: BuilderName;
  /** Checks that the tool is installed and usable here (fast; runs no build). */
  probe(env: Readonly<Record<string, string | undefined>>): Promise<Availability>;
  /** A reason the builder cannot build this request (e.g. RUN for the layer builder), checked before probing. */
  unsupported?(
    request: Pick<BuildRequest, 'context' | 'dockerfile' | 'dockerfileText' | 'target' | 'buildArgs' | 'platforms'>,
  ): string | undefined;
  build(request: BuildRequest): Promise<BuiltImage>;
}
