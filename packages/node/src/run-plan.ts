import { ClassIndexError, InvalidOptionError } from '@tfxai/core';
import { IMAGE_EXTENSIONS } from './image-io.js';
import type { InputItem } from './input-collection.js';
import { StemAllocator } from './output-naming.js';

/**
 * One image of a run with everything decided before any work starts: its
 * place in input order, its output stem, and its row of `preds`. Deciding
 * stems here, in one place and in input order, is what keeps names
 * deterministic (for resume) and distinct even when worker threads write.
 */
export interface PlannedItem {
  readonly item: InputItem;
  /** Position in input order: results are listed in this order. */
  readonly position: number;
  /** Output file stem, unique within the run (see {@link StemAllocator}). */
  readonly stem: string;
  /** This image's row of `preds`, when `preds` were given. */
  readonly preds?: readonly number[];
}

/** Plans every input of a run, in input order. */
export function planRun(items: readonly InputItem[], predsRows: readonly (readonly number[])[] | undefined): PlannedItem[] {
  const stems = new StemAllocator();
  return items.map((item, position) => ({
    item,
    position,
    stem: stems.allocate(item.sample, IMAGE_EXTENSIONS),
    ...(predsRows ? { preds: predsRows[position]! } : {}),
  }));
}

/**
 * Checks the class choice against the model's class count: every `classes`
 * entry in range, every `preds` row one score per class.
 * @throws ClassIndexError for a class out of range
 * @throws InvalidOptionError for a `preds` row of the wrong length
 */
export function checkClassChoice(numClasses: number, classes: readonly number[] | undefined, predsRows: readonly (readonly number[])[] | undefined): void {
  for (const c of classes ?? []) if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new ClassIndexError(c, numClasses);
  for (const row of predsRows ?? []) {
    if (row.length !== numClasses) throw new InvalidOptionError('preds', `a row has ${row.length} scores; the model has ${numClasses} classes`);
  }
}
