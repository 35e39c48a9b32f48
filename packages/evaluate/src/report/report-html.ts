import path from 'node:path';
import type { EvaluationResult } from './evaluation-run.js';
import { METRIC_COLUMNS } from './summary.js';
import { escapeXml } from './svg-png.js';

/** A number for the page; NaN (stored in JSON as null) when a similarity is undefined (a constant map) shows as 'n/a'. */
const show = (value: number | null) => (value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(3));

/** The HTML page of an evaluation: the ranking table, the curves and the randomisation strips (images linked relatively). */
export function reportHtml(result: EvaluationResult): string {
  const columns = METRIC_COLUMNS.filter((c) => Object.values(result.summary).some((row) => row[c.key] !== undefined));
  const rows = result.ranking
    .map((entry) => {
      const cells = columns.map((c) => {
        const cell = result.summary[entry.method]![c.key];
        return `<td>${cell ? `${cell.mean.toFixed(3)} <span class="sd">± ${cell.std.toFixed(3)}</span>` : '-'}</td>`;
      });
      return `<tr><th>${escapeXml(entry.method)}</th><td>${Number.isFinite(entry.meanRank) ? entry.meanRank.toFixed(2) : '-'}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const cascades = result.cascades
    .map((c) => {
      const stages = c.stages.map((s) => `<tr><td>${escapeXml(s.layer)}</td><td>${show(s.spearman)}</td><td>${show(s.ssim)}</td></tr>`).join('');
      return `<h3>${escapeXml(c.method)}</h3><img src="${escapeXml(path.basename(c.picture))}" alt="randomisation cascade of ${escapeXml(c.method)}">
<table><tr><th>randomised up to</th><th>Spearman ρ</th><th>SSIM</th></tr>${stages}</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tfxai evaluation</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 1300px; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child { text-align: left; }
.sd { color: #777; font-size: smaller; }
</style></head><body>
<h1>tfxai evaluation</h1>
<p>${result.total} images, methods ${result.methods.map(escapeXml).join(', ')}; ${result.done} computed, ${result.skipped} resumed, ${result.failed} failed, in ${result.seconds.toFixed(1)} s.
The target of every image is the model's top class. Mean ± sample standard deviation over images; ↑ higher is better, ↓ lower is better.
"rank" is the mean rank over deletion, insertion, MuFidelity, pointing game, relevance mass and relevance rank (1 = best).</p>
<table><tr><th>method</th><th>rank</th>${columns.map((c) => `<th>${escapeXml(c.label)} ${c.higherIsBetter ? '↑' : '↓'}</th>`).join('')}</tr>
${rows}
</table>
<h2>Deletion and insertion curves</h2>
<p>Deletion: pixels replaced by the fill from the most to the least attributed (a faithful map makes the score fall fast).
Insertion: pixels restored onto the fill in the same order (the score should rise fast).</p>
<img src="curves.png" alt="deletion and insertion curves">
<h2>Model parameter randomisation (Adebayo et al. 2018)</h2>
<p>The layers' weights are re-initialised from the top; a method that explains the model gives maps that change (similarities fall to 0).
Maps that stay the same do not depend on the weights. n/a: a constant map, whose rank correlation is undefined.</p>
${cascades || '<p>(not run: it needs a layers model)</p>'}
${result.failures.length ? `<h2>Failures</h2><ul>${result.failures.map((f) => `<li>${escapeXml(f.sample)}: ${escapeXml(f.error.message)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
