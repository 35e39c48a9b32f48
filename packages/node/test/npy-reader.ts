/**
 * A NumPy .npy reader written for the tests from the format specification
 * (numpy.lib.format, version 1.0), independent of the writer.
 */
export function readNpy(bytes: Uint8Array): { descr: string; fortranOrder: boolean; shape: number[]; headerLength: number; data: Float32Array } {
  const magic = String.fromCharCode(...bytes.slice(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error('not an npy file');
  if (bytes[6] !== 1 || bytes[7] !== 0) throw new Error(`version ${bytes[6]}.${bytes[7]}, expected 1.0`);
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  const header = String.fromCharCode(...bytes.slice(10, 10 + headerLength));
  if (!header.endsWith('\n')) throw new Error('header does not end in a newline');
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1]!;
  const fortranOrder = /'fortran_order':\s*(True|False)/.exec(header)![1] === 'True';
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)![1]!;
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const start = 10 + headerLength;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  const count = shape.reduce((a, b) => a * b, 1);
  if (view.byteLength !== count * 4) throw new Error(`data has ${view.byteLength} bytes, expected ${count * 4}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  return { descr, fortranOrder, shape, headerLength, data };
}
