import { expect } from 'chai';
import { decodeImage } from '@tfxai/node';
import { curvePlotSvg, mapStripSvg, rankMethods, summarise, summaryTable, svgToPng, type SampleEvaluation } from '@tfxai/evaluate/report';

function evaluation(method: string, deletion: number, insertion: number, pointing: number): SampleEvaluation {
  const curve = (area: number) => ({ area, fractions: [0, 1], scores: [area, area] });
  return { sample: 's', method, target: 0, heatmapSeconds: 0.1, deletion: curve(deletion), insertion: curve(insertion), muFidelity: 0.5, sparseness: 0.2, entropy: 1, pointingGame: pointing };
}

describe('evaluation report helpers', () => {
  it('summarises per method (mean, sample std) and ranks by mean rank over faithfulness and localisation', () => {
    const evaluations = [evaluation('a', 0.2, 0.9, 1), evaluation('a', 0.4, 0.7, 0), evaluation('b', 0.1, 0.5, 1), evaluation('b', 0.1, 0.5, 1)];
    const summary = summarise(evaluations, ['a', 'b']);
    expect(summary['a']!['deletionAuc']!.mean).to.be.closeTo(0.3, 1e-12);
    expect(summary['a']!['deletionAuc']!.std).to.be.closeTo(Math.SQRT2 * 0.1, 1e-12);
    expect(summary['b']!['insertionAuc']).to.deep.equal({ mean: 0.5, std: 0, n: 2 });
    const ranking = rankMethods(summary);
    // b: deletion 1, insertion 2, MuFidelity tie 1, pointing 1 -> 1.25; a: 2, 1, 1, 2 -> 1.5.
    expect(ranking.map((r) => [r.method, r.meanRank])).to.deep.equal([['b', 1.25], ['a', 1.5]]);
    const table = summaryTable(summary, ranking);
    expect(table.split('\n')[2]).to.match(/^b\s+1\.25\s+0\.100 ± 0\.000\s+0\.500 ± 0\.000/);
  });

  it('draws curves and map strips as PNGs of the expected size', async () => {
    const svg = curvePlotSvg([{ title: 'deletion', xLabel: 'x', yLabel: 'y', series: [{ name: 'a<b', x: [0, 0.5, 1], y: [1, 0.5, 0] }] }]);
    expect(svg.match(/<polyline/g)).to.have.length(1);
    expect(svg).to.contain('a&lt;b');
    const png = await decodeImage(await svgToPng(svg), 'curves.png');
    expect([png.width, png.height]).to.deep.equal([360 + 52 + 170, 260 + 34 + 44]);
    const strip = await mapStripSvg('t', [{ caption: 'one', map: [0, 1, 2, 3] }, { caption: 'two', map: [3, 2, 1, 0] }], 2, 2, 'gray', 64);
    const stripPng = await decodeImage(await svgToPng(strip), 'strip.png');
    expect(stripPng.width).to.equal(2 * (64 + 10) + 10);
  });
});
