import { expect } from 'chai';
import { InvalidInputError } from '@tfxai/core';
import { encodeNpy } from '@tfxai/node';
import { readNpy } from './npy-reader.js';

describe('encodeNpy (NumPy .npy v1.0, <f4)', () => {
  it('writes a header NumPy accepts and float32 values that read back bit for bit', () => {
    const values = Float32Array.from([0, -0, 1, -1.5, Math.PI, 1e-45, 3.4028234663852886e38, 0.1, 2 / 3, 1e-8, 0.999999940395, 12345.678]);
    const bytes = encodeNpy(values, [3, 4]);
    const parsed = readNpy(bytes);
    expect(parsed.descr).to.equal('<f4');
    expect(parsed.fortranOrder).to.equal(false);
    expect(parsed.shape).to.deep.equal([3, 4]);
    // numpy aligns the data start to 64 bytes.
    expect((10 + parsed.headerLength) % 64).to.equal(0);
    expect([...new Uint32Array(parsed.data.buffer)]).to.deep.equal([...new Uint32Array(values.buffer)]);
  });

  it('writes the literal header numpy.save writes for a (2, 3) float32 array', () => {
    const bytes = encodeNpy(new Float32Array(6), [2, 3]);
    const header = String.fromCharCode(...bytes.slice(10, 10 + (bytes[8]! | (bytes[9]! << 8))));
    // numpy.save(np.zeros((2, 3), np.float32)): a 118-byte header, data at byte 128.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(header).to.equal(dict + ' '.repeat(118 - dict.length - 1) + '\n');
    expect(bytes.length).to.equal(128 + 24);
  });

  it('writes 1-D shapes as (n,) and rejects a shape that does not fit', () => {
    expect(readNpy(encodeNpy(Float32Array.from([1, 2]), [2])).shape).to.deep.equal([2]);
    const header = String.fromCharCode(...encodeNpy(Float32Array.from([1, 2]), [2]).slice(10, 70));
    expect(header).to.contain("'shape': (2,)");
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).to.throw(InvalidInputError, /shape \[2,3\] does not hold 5 values/);
  });
});
