import { CholeskyDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';

/** A weighted linear model y ~ intercept + X . coefficients. */
export interface LinearFit {
  coefficients: number[];
  intercept: number;
  /** Weighted coefficient of determination R^2 on the samples (scikit-learn's `score`). */
  score: number;
}

/**
 * Solves the symmetric system A x = b: by Cholesky when A is positive definite
 * (the usual case), else by SVD, which gives the least-squares solution of
 * smallest norm when too few samples leave A singular.
 */
export function solveSymmetric(a: Matrix, b: Matrix): Matrix {
  const cholesky = new CholeskyDecomposition(a);
  if (cholesky.isPositiveDefinite()) return cholesky.solve(b);
  return new SingularValueDecomposition(a, { autoTranspose: true }).solve(b);
}

/** X^T W X and X^T W y for rows scaled by sqrt(w). */
function normalEquations(x: Matrix, y: ArrayLike<number>, weights: ArrayLike<number>): { gram: Matrix; moment: Matrix } {
  const root = Array.from(weights, Math.sqrt);
  const scaled = x.clone().mulColumnVector(root);
  const target = Matrix.columnVector(Array.from(y, (v, i) => v * root[i]!));
  return { gram: scaled.transpose().mmul(scaled), moment: scaled.transpose().mmul(target) };
}

/**
 * Weighted ridge regression with an unpenalised intercept, as scikit-learn's
 * `Ridge(alpha).fit(X, y, sample_weight=w)` (which LIME uses): minimises
 * sum_i w_i (y_i - b - x_i . c)^2 + alpha |c|^2 by centring X and y on their
 * weighted means and solving (Xc^T W Xc + alpha I) c = Xc^T W yc.
 * @param rows the samples, one array of features per row
 */
export function weightedRidge(rows: readonly ArrayLike<number>[], y: ArrayLike<number>, weights: ArrayLike<number>, alpha: number): LinearFit {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const totalWeight = Array.from(weights).reduce((a, b) => a + b, 0);
  const meanX = new Array<number>(d).fill(0);
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]! / totalWeight;
    for (let j = 0; j < d; j++) meanX[j]! += w * rows[i]![j]!;
    meanY += w * y[i]!;
  }
  const centred = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred.set(i, j, rows[i]![j]! - meanX[j]!);
  const { gram, moment } = normalEquations(centred, Array.from(y, (v) => v - meanY), weights);
  for (let j = 0; j < d; j++) gram.set(j, j, gram.get(j, j) + alpha);
  const coefficients = d > 0 ? solveSymmetric(gram, moment).getColumn(0) : [];
  const intercept = meanY - coefficients.reduce((acc, c, j) => acc + c * meanX[j]!, 0);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const predicted = intercept + coefficients.reduce((acc, c, j) => acc + c * rows[i]![j]!, 0);
    residual += weights[i]! * (y[i]! - predicted) ** 2;
    total += weights[i]! * (y[i]! - meanY) ** 2;
  }
  // scikit-learn's convention for a constant target: a perfect fit scores 1, any other 0.
  const score = total > 0 ? 1 - residual / total : residual === 0 ? 1 : 0;
  return { coefficients, intercept, score };
}

/**
 * KernelSHAP's constrained weighted least squares (Lundberg & Lee 2017):
 * fits f(z) ~ f(none) + z . phi subject to sum(phi) = f(all) - f(none) by
 * eliminating the last variable, as the shap package does:
 * phi_M = total - sum_{k<M} phi_k, so y' = f(z) - f(none) - z_M total and
 * x'_k = z_k - z_M, a plain weighted least squares in M - 1 unknowns.
 * @param numPlayers M, the number of superpixels
 * @param coalitions 0/1 rows of length M, one per evaluated coalition (none needed for M = 1)
 * @returns phi, whose entries sum exactly to `fullValue - nullValue`
 */
export function constrainedShapleyFit(
  numPlayers: number,
  coalitions: readonly ArrayLike<number>[],
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  fullValue: number,
  nullValue: number,
): number[] {
  const total = fullValue - nullValue;
  if (numPlayers === 1) return [total];
  const last = numPlayers - 1;
  const x = new Matrix(coalitions.length, last);
  const y = new Array<number>(coalitions.length);
  coalitions.forEach((z, i) => {
    for (let k = 0; k < last; k++) x.set(i, k, z[k]! - z[last]!);
    y[i] = values[i]! - nullValue - z[last]! * total;
  });
  const { gram, moment } = normalEquations(x, y, weights);
  const phi = solveSymmetric(gram, moment).getColumn(0);
  phi.push(total - phi.reduce((a, b) => a + b, 0));
  return phi;
}
