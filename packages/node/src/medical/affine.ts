/**
 * 4x4 voxel-to-world matrices (row-major `number[][]`, last row 0 0 0 1) as
 * NIfTI uses them: world = A * [i, j, k, 1], millimetres, RAS+ axes.
 */
export type Affine = number[][];

/** The identity scaled by `spacing` (NIfTI's "method 1" fallback when no transform is set). */
export function scalingAffine(spacing: readonly [number, number, number]): Affine {
  return [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
    [0, 0, 0, 1],
  ];
}

/** World coordinates (mm) of voxel (i, j, k). */
export function voxelToWorld(affine: Affine, voxel: readonly [number, number, number]): [number, number, number] {
  const [i, j, k] = voxel;
  return [0, 1, 2].map((r) => affine[r]![0]! * i + affine[r]![1]! * j + affine[r]![2]! * k + affine[r]![3]!) as [number, number, number];
}

/** Column lengths of the 3x3 part: the voxel size along i, j, k in mm. */
export function affineSpacing(affine: Affine): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!)) as [number, number, number];
}

function det3(m: Affine): number {
  const a = m as number[][];
  return (
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!)
  );
}

/** NIfTI's qform parameters (quaternion b, c, d, offsets, pixdim and qfac). */
export interface QuaternionForm {
  b: number;
  c: number;
  d: number;
  offset: [number, number, number];
  pixdim: [number, number, number];
  /** +1 or -1: the sign of the determinant (stored in pixdim[0]). */
  qfac: 1 | -1;
}

/**
 * The qform of an affine whose columns are orthogonal (nifti1_io.c's
 * `nifti_mat44_to_quatern`, without its polar decomposition).
 * @returns undefined when the columns are not orthogonal (a sheared sform has no qform)
 */
export function affineToQuaternion(affine: Affine): QuaternionForm | undefined {
  const pixdim = affineSpacing(affine);
  if (pixdim.some((d) => !(d > 0))) return undefined;
  const r = [0, 1, 2].map((row) => [0, 1, 2].map((c) => affine[row]![c]! / pixdim[c]!));
  for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
    const dot = r[0]![p]! * r[0]![q]! + r[1]![p]! * r[1]![q]! + r[2]![p]! * r[2]![q]!;
    if (Math.abs(dot) > 1e-4) return undefined;
  }
  let qfac: 1 | -1 = 1;
  if (det3(r) < 0) {
    qfac = -1;
    for (const row of r) row[2] = -row[2]!;
  }
  const [r11, r12, r13] = r[0]! as [number, number, number];
  const [r21, r22, r23] = r[1]! as [number, number, number];
  const [r31, r32, r33] = r[2]! as [number, number, number];
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    // NIfTI stores only b, c, d with a >= 0.
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, offset: [affine[0]![3]!, affine[1]![3]!, affine[2]![3]!], pixdim, qfac };
}

/** DICOM's LPS+ patient axes to NIfTI's RAS+: negate the first two world rows. */
export function lpsToRas(affine: Affine): Affine {
  return affine.map((row, r) => (r < 2 ? row.map((v) => -v) : [...row]));
}
