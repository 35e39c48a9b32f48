import { parentPort } from 'node:worker_threads';
import { runHeapTask, type HeapTask } from './heap-tasks.js';
import { HELPER_DONE, HELPER_FAILED } from './heap-helper-states.js';

/**
 * A helper thread for tfxai's heap kernels (see heap-helpers.ts): runs a range of a task on the
 * shared wasm memory, then sets its slot of the control array and wakes the waiting thread.
 */
interface HelperMessage {
  memory: WebAssembly.Memory;
  control: Int32Array;
  slot: number;
  task: HeapTask;
  from: number;
  to: number;
}

parentPort!.on('message', ({ memory, control, slot, task, from, to }: HelperMessage) => {
  let state = HELPER_DONE;
  try {
    runHeapTask(task, memory.buffer, from, to);
  } catch {
    state = HELPER_FAILED;
  }
  Atomics.store(control, slot, state);
  Atomics.notify(control, slot);
});
