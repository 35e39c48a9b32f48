// nifti-js 1.0.1 (scijs, MIT) ships no types: the part the tests use.
declare module 'nifti-js' {
  interface NiftiJsHeader {
    dim: number[];
    datatype: string;
    pixdim: number[];
    qform_code: number;
    sform_code: number;
    quatern_b: number;
    quatern_c: number;
    quatern_d: number;
    qoffset_x: number;
    qoffset_y: number;
    qoffset_z: number;
    srow: Float32Array | number[];
    scl_slope: number;
    scl_inter: number;
    vox_offset: number;
  }
  interface NiftiJsFile {
    sizes: number[];
    type: string;
    data: ArrayLike<number>;
    spaceDirections?: number[][];
    spaceOrigin?: number[];
  }
  const niftiJs: {
    parse(buffer: ArrayBuffer | Uint8Array): NiftiJsFile;
    parseNIfTIHeader(buffer: ArrayBuffer | Uint8Array): NiftiJsHeader;
  };
  export default niftiJs;
}
