import { InvalidInputError } from '@tfxai/core';

/** NumPy's header alignment (numpy.lib.format.ARRAY_ALIGN): data starts at a multiple of 64 bytes. */
const NPY_ALIGN = 64;

/**
 * Encodes a float32 array as a NumPy `.npy` file (format version 1.0,
 * little-endian `<f4`, C order), which `numpy.load` opens.
 * @param shape the array's shape; its product must equal `values.length`
 */
export function encodeNpy(values: Float32Array, shape: readonly number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size !== values.length) {
    throw new InvalidInputError(`shape [${shape}] does not hold ${values.length} values; give non-negative integers whose product is the length`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n', padded with spaces to the alignment.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((NPY_ALIGN - (unpadded % NPY_ALIGN)) % NPY_ALIGN) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  const view = new DataView(out.buffer);
  out.set([0x93, ...Array.from('NUMPY', (ch) => ch.charCodeAt(0)), 1, 0]);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < values.length; i++) view.setFloat32(start + 4 * i, values[i]!, true);
  return out;
}
