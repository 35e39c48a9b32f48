/** A helper slot's states in the shared control array (heap-helpers.ts, heap-helper-worker.ts). */
export const HELPER_PENDING = 1;
export const HELPER_DONE = 2;
export const HELPER_FAILED = 3;
