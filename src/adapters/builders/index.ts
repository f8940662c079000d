/** Image builders (buildx, buildah, podman, kaniko, layer), the build context, and the source tree. */
export * from './auth-file.ts';
export * from './build-error.ts';
export * from './buildx.ts';
export * from './containers-cli.ts';
export * from './context-files.ts';
export * from './dockerignore.ts';
export * from './git-source.ts';
export * from './host-platform.ts';
export * from './kaniko.ts';
export * from './layer-builder.ts';
export * from './select.ts';
export * from './source-tree.ts';
export type * from './types.ts';
export { BUILDER_NAMES } from './types.ts';
