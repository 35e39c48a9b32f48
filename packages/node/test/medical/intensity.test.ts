import { expect } from 'chai';
import { InvalidOptionError } from '@tfxai/core';
import { CT_WINDOW_PRESETS, applyIntensity, chooseIntensity, intensityRange, parsePercentiles, parseWindow, percentile, type MedicalVolume } from '@tfxai/node';

function volumeOf(data: number[], extra: Partial<MedicalVolume> = {}): MedicalVolume {
  return {
    source: 'test',
    format: 'nifti-1',
    dims: [data.length, 1, 1],
    channels: 1,
    data: Float32Array.from(data),
    affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
    affineSource: 'pixdim',
    qformCode: 0,
    sformCode: 0,
    volumeIndex: 0,
    volumeCount: 1,
    notes: [],
    ...extra,
  };
}

describe('medical intensity', () => {
  it('maps a window linearly to 0..255 and clamps outside it (lung preset: -1350 to 150 HU)', () => {
    expect(CT_WINDOW_PRESETS).to.deep.equal({
      lung: { center: -600, width: 1500 },
      'soft-tissue': { center: 40, width: 400 },
      brain: { center: 40, width: 80 },
      bone: { center: 400, width: 1800 },
    });
    const volume = volumeOf([-2000, -1350, -600, 150, 3000]);
    const mode = chooseIntensity(volume, { window: 'lung' });
    expect(Array.from(applyIntensity(volume, mode))).to.deep.equal([0, 0, 127.5, 255, 255]);
    expect(intensityRange(volume, chooseIntensity(volume, { window: 'brain' }))).to.deep.equal([0, 80]);
  });

  it('clips at percentiles computed as NumPy does (linear between order statistics)', () => {
    const data = Array.from({ length: 201 }, (_, n) => (n * 37) % 201); // 0..200, shuffled
    const volume = volumeOf(data);
    // np.percentile(range(201), [0.5, 99.5]) = [1.0, 199.0]
    expect(intensityRange(volume, chooseIntensity(volume))).to.deep.equal([1, 199]);
    expect(percentile(Float32Array.from([0, 10]), 25)).to.equal(2.5);
    const display = applyIntensity(volume, chooseIntensity(volume, { percentiles: [10, 90] }));
    // range [20, 180]: value 100 -> 127.5
    expect(display[data.indexOf(100)]).to.be.closeTo(127.5, 1e-4);
    expect(display[data.indexOf(0)]).to.equal(0);
  });

  it("prefers an explicit window, then percentiles, then the file's window, then 0.5/99.5", () => {
    const volume = volumeOf([0, 1, 2], { window: { center: 1, width: 2 } });
    expect(chooseIntensity(volume)).to.deep.include({ kind: 'window', window: { center: 1, width: 2 } });
    expect(chooseIntensity(volume, { percentiles: [1, 99] })).to.deep.equal({ kind: 'percentile', low: 1, high: 99 });
    expect(chooseIntensity(volume, { window: { center: 5, width: 10 } })).to.deep.include({ window: { center: 5, width: 10 } });
    expect(chooseIntensity(volumeOf([1]))).to.deep.equal({ kind: 'percentile', low: 0.5, high: 99.5 });
    expect(chooseIntensity(volumeOf([1, 2, 3], { channels: 3 }))).to.deep.equal({ kind: 'as-is' });
  });

  it('parses --window and --clip-percentiles, refusing bad values with typed errors', () => {
    expect(parseWindow('-600,1500')).to.deep.equal({ center: -600, width: 1500 });
    expect(parseWindow('bone')).to.equal('bone');
    expect(() => parseWindow('liver')).to.throw(InvalidOptionError, /lung, soft-tissue, brain, bone/);
    expect(() => parseWindow('40,0')).to.throw(InvalidOptionError, /width/);
    expect(parsePercentiles('0.5,99.5')).to.deep.equal([0.5, 99.5]);
    expect(() => parsePercentiles('99,1')).to.throw(InvalidOptionError);
  });
});
