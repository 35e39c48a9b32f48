// The script each pthread of tfjs-backend-wasm's threaded SIMD build runs in Node (one
// worker_threads Worker per pthread; see wasm-threads.ts).
//
// Why this file exists: Emscripten's glue starts every pthread with `new Worker(<file>)`, and
// tfjs ships that worker's code only as a string (`wasmWorkerContents`), which tfjs turns into a
// Blob URL. Node's Worker accepts file paths, not Blob URLs, so this CommonJS file stands in: it
// evaluates the same string here, where the `require` and `__filename` it uses exist (a direct
// eval, as Emscripten's own `importScripts` shim does for the main script).
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
  wasmWorkerContents: string;
};
// The string held "\n" escapes that its template literal turned into newlines (tfjs undoes the same).
eval(wasmWorkerContents.replace(/\n/g, '\\n'));
