/**
 * Exact Shapley values by the definition (the independent reference for KernelSHAP):
 * phi_i = sum over S without i of |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)).
 * @param value the coalition's value, given the coalition as 0/1 per player
 */
export function bruteForceShapley(m: number, value: (coalition: number[]) => number): number[] {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const phi = new Array<number>(m).fill(0);
  for (let bits = 0; bits < 2 ** m; bits++) {
    const z = Array.from({ length: m }, (_, k) => (bits >> k) & 1);
    const size = z.reduce((a, b) => a + b, 0);
    for (let i = 0; i < m; i++) {
      if (z[i]) continue;
      const withI = [...z];
      withI[i] = 1;
      phi[i]! += ((factorial(size) * factorial(m - size - 1)) / factorial(m)) * (value(withI) - value(z));
    }
  }
  return phi;
}
