/**
 * Typed errors. Every error tfxai throws on bad input is a `TfxaiError`
 * with a stable `code`, and its message says what was wrong and what is allowed.
 */
export class TfxaiError extends Error {
  /** A stable, machine-readable code such as `'INVALID_INPUT'`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor argument has the wrong rank, shape or dtype, is empty, or holds NaN/Infinity. */
export class InvalidInputError extends TfxaiError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** A method option is outside its allowed values. */
export class InvalidOptionError extends TfxaiError {
  /** The offending option's name. */
  readonly option: string;
  constructor(option: string, message: string) {
    super('INVALID_OPTION', `option '${option}': ${message}`);
    this.option = option;
  }
}

/** A class index (target) is not an integer in [0, numClasses). */
export class ClassIndexError extends TfxaiError {
  constructor(readonly classIndex: unknown, readonly numClasses: number) {
    super(
      'CLASS_INDEX_OUT_OF_RANGE',
      `class index ${String(classIndex)} is out of range: the model has ${numClasses} classes, ` +
        `so allowed are integers 0 to ${numClasses - 1}`,
    );
  }
}

/** No registered method answers to a name. */
export class UnknownMethodError extends TfxaiError {
  constructor(
    readonly requested: string,
    readonly available: readonly string[],
    readonly closest: string | undefined,
  ) {
    super(
      'UNKNOWN_METHOD',
      `unknown XAI method '${requested}'` +
        (closest ? `; did you mean '${closest}'?` : '') +
        ` Available: ${available.join(', ') || '(none registered)'}`,
    );
  }
}

/** Two modules register the same method name without asking to override. */
export class DuplicateMethodError extends TfxaiError {
  constructor(readonly methodName: string, readonly existing: string) {
    super(
      'DUPLICATE_METHOD',
      `method name '${methodName}' is already registered by method '${existing}'; ` +
        `pass { override: true } to defineMethod to replace it`,
    );
  }
}

/** A named layer does not exist in the model, or no suitable layer could be found. */
export class LayerNotFoundError extends TfxaiError {
  constructor(message: string, readonly candidates: readonly string[] = []) {
    super('LAYER_NOT_FOUND', message);
  }
}

/** The model handed to a method is none of the supported kinds. */
export class UnsupportedModelError extends TfxaiError {
  constructor(message: string) {
    super('UNSUPPORTED_MODEL', message);
  }
}

/**
 * A method's result (a score, an attribution or a heatmap) holds NaN or
 * +-Infinity: usually the model's own scores are not finite for this input.
 * Never returned as a map.
 */
export class NonFiniteError extends TfxaiError {
  constructor(message: string) {
    super('NON_FINITE_RESULT', message);
  }
}
