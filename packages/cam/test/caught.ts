/** The error `action` throws; a test failure when it does not throw. */
export function caught(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
