/** What promote's step, output and stories share about one source environment's run. */
import type { PromotedImage } from '../../core/promote/images.ts';
import type { SourceState } from './source.ts';

/** Everything one source's promotions share. */
export interface SourceRun {
  readonly state: SourceState;
  readonly images: readonly PromotedImage[];
  readonly copied: ReadonlyMap<string, string>;
}
