/** A map scaled to [0, 1] by its own minimum and maximum, in double precision; a constant map becomes zeros. */
export function minMaxScaled(map: ArrayLike<number>): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    min = Math.min(min, map[i]!);
    max = Math.max(max, map[i]!);
  }
  return Float64Array.from(map, (v) => (max > min ? (v - min) / (max - min) : 0));
}
