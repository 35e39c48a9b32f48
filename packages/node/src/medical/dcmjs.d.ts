// The part of dcmjs 0.52 (which ships no types) that tfxai uses.
declare module 'dcmjs' {
  interface DicomDictInstance {
    dict: Record<string, unknown>;
    meta: Record<string, { vr: string; Value: unknown[] }>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance };
      DicomMetaDictionary: {
        naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown>;
        denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
        uid(): string;
      };
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
    };
    log: { setLevel(level: string): void };
  };
  export default dcmjs;
}
