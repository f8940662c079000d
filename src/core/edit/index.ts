/**
 * The byte-exact image editor: locate image references in env-repo files, then edit only the bytes of
 * the values that change, and re-check the result. Pure: text in, text out.
 *
 * Contract (implemented in this folder):
 * - `locateImages(file, text, options): ImageSite[]` — every image reference in one file
 *   (kustomize `images:`, container `image:` in any Kubernetes object, Helm values, HelmRelease
 *   `spec.values`, `# baton:` markers, Flux `$imagepolicy` markers mapped through `options.policies`).
 *   Malformed YAML throws a UserError naming `file:line:column`.
 * - `planEdits(files, images, options): EditPlan` — for a map of path → text and the images to write,
 *   the edits. Throws a UserError when a requested image is found in none of the files.
 */
export type * from './types.ts';
