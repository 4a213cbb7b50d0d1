// Error classes of the JavaScript side.

/**
 * A boot failed. `message` says what failed in words a person can act on: the URL that could not
 * be loaded, or the Python exception raised while starting the app. `url` is set for the former,
 * `pythonType` and `pythonTraceback` for the latter; `cause` keeps the original error.
 */
export class BootError extends Error {
  constructor(message, { url = null, pythonType = null, pythonTraceback = null, cause = undefined } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "BootError";
    this.url = url;
    this.pythonType = pythonType;
    this.pythonTraceback = pythonTraceback;
  }
}
