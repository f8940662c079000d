/**
 * The byte-exact image editor: locate image references in env-repo files, then edit only the bytes of
 * the values that change, and re-check the result. Pure: text in, text out.
 *
 * - `locateImages(file, text, options): ImageSite[]` — every image reference in one file:
 *   kustomize `images:` entries (kustomization files, Components, Flux Kustomization `spec.images`),
 *   container `image:` values at any depth of any Kubernetes object (JSON manifests too), Helm values
 *   (`repository` + `tag`/`digest` maps with an optional `registry`, `image: repo:tag` strings),
 *   HelmRelease `spec.values` and Argo CD `helm.valuesObject`, `# baton:` markers and Flux
 *   `$imagepolicy` markers mapped through `options.policies`. Malformed YAML throws a UserError
 *   naming `file:line:column`.
 * - `planEdits(files, images, options): EditPlan` — for a map of path → text and the images to write,
 *   the edits, checked by re-parsing. Throws a UserError when a requested image is found in no file.
 */
export type * from './types.ts';
export { locateImages, publicSite } from './locate.ts';
export { commentAfter, locatePolicyMarkers, type Marker, type MarkerField, type PolicyMarker, parseMarker, samePolicy } from './markers.ts';
export { imageNeedles, invalidUtf8Offset, mayHoldImage, type Needles } from './candidates.ts';
export { commonFolder, planEdits } from './plan.ts';
export { isDowngrade, refVersion } from './rewrite.ts';
export {
  cannotBePlain,
  doubleQuoted,
  needsQuotes,
  renderScalar,
  resolvesToNonString,
  type ScalarStyle,
  singleQuoted,
} from './scalar-write.ts';
export { applySplices, type Splice } from './splice.ts';
export { EditCheckError } from './verify.ts';
