/** Jet written straight from its breakpoints: a reference independent of the package's lookup table. */
export function jetReference(x: number): number[] {
  const ramp = (points: [number, number][]) => {
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1]!;
      const [x1, y1] = points[i]!;
      if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
    }
    return points[points.length - 1]![1];
  };
  return [
    ramp([[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]]),
    ramp([[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]]),
    ramp([[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]]),
  ];
}
