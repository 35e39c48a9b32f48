/**
 * A map that says nothing: every pixel has the same value (max == min), so
 * its overlay is one flat colour (plain blue with jet). Usually the method
 * saw no change in the class score (e.g. an occlusion fill the model cannot
 * tell from the image, or a saturated softmax); reported, never hidden.
 */
export interface MapWarning {
  code: 'CONSTANT_MAP';
  /** The class whose map it is. */
  classIndex: number;
  /** The one value every pixel has (0 after min-max normalisation). */
  value: number;
  message: string;
}

/** A warning when `map` is constant (max == min), else undefined. NaN maps are not judged here. */
export function constantMapWarning(map: Float32Array, classIndex: number): MapWarning | undefined {
  if (map.length === 0) return undefined;
  let min = map[0]!;
  let max = map[0]!;
  for (let i = 1; i < map.length; i++) {
    const v = map[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (!(max === min)) return undefined;
  return {
    code: 'CONSTANT_MAP',
    classIndex,
    value: min,
    message: `the map of class ${classIndex} is constant (every pixel ${min}): the method found no evidence anywhere; check the preprocessing and the method's options (e.g. occlusion's fill)`,
  };
}
