// Error classes of the JavaScript side, and every conversion of an error between the two sides:
// a Pyodide PythonError as a JavaScript Error (parsed once, here), a failed Python call's report as
// an Error, anything JavaScript throws as the report Python's JSException is made from, and the
// short descriptions of values error messages use.

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

/**
 * `Py.loadPackages()` (Python's `jsinterop.load_packages`) could not install a package: it is not in
 * the site's pyodide-lock.json (the build did not ship it), its wheel failed to download or verify, or
 * installing it failed. `message` names the package; `packages` lists the names asked for.
 */
export class PackageLoadError extends Error {
  constructor(message, { packages = [], cause = undefined } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PackageLoadError";
    this.packages = packages;
  }
}

/** A short, safe description of any value for error messages. */
export function describe(value) {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "object") return `a ${value.constructor?.name ?? "null-prototype"} object`;
  return String(value);
}

/** `typeof value` and a short text of it, for an error message; never throws. */
export function describeJS(value) {
  if (value === null) return "null";
  const type = typeof value;
  if (type === "symbol" || type === "function" || type === "object") return type;
  return `${type} (${String(value).slice(0, 60)})`;
}

/** Turns anything thrown into the {name, message, stack} Python's JSException is made from. */
export function errorInfo(thrown) {
  if (thrown instanceof Error || (thrown !== null && typeof thrown === "object" && typeof thrown.message === "string")) {
    let name = "Error";
    try {
      name = String(thrown.name ?? "Error");
    } catch {}
    return { name, message: String(thrown.message), stack: typeof thrown.stack === "string" ? thrown.stack : null };
  }
  let shown;
  try {
    shown = typeof thrown === "string" ? JSON.stringify(thrown) : thrown === undefined ? "undefined" : JSON.stringify(thrown) ?? String(thrown);
  } catch {
    shown = describe(thrown);
  }
  return { name: "NonError", message: `JavaScript threw a value that is not an Error: ${shown}`, stack: null };
}

/** The Error a failed Python call rejects with: the exception's class name and message. */
export function pythonError(info) {
  const error = new Error(info.message);
  error.name = info.name;
  if (info.pythonStack) error.pythonStack = info.pythonStack;
  return error;
}

/** Whether `e` is a Pyodide PythonError (a Python exception that reached JavaScript). */
export function isPythonError(e) {
  return e?.constructor?.name === "PythonError";
}

const TRACEBACK = "Traceback (most recent call last):\n";

/**
 * The parts of a Pyodide PythonError, the one reading of its formatted traceback: `type` (the
 * exception's class), `summary` (its formatted "module.Type: message" text) and `message` (the
 * text after "Type: "), both taken after the frames of the last traceback (the exception raised
 * last in a chain), to the end: a message of several lines is kept whole, not cut to its last line.
 * `traceback` is the whole formatted text.
 */
export function parsePythonError(e) {
  const traceback = String(e.message);
  let summary = traceback;
  const start = traceback.lastIndexOf(TRACEBACK);
  if (start >= 0) {
    const lines = traceback.slice(start + TRACEBACK.length).split("\n");
    let i = 0;
    while (i < lines.length - 1 && lines[i].startsWith(" ")) i++; // "  File ...", code, carets
    summary = lines.slice(i).join("\n");
  }
  if (summary.endsWith("\n")) summary = summary.slice(0, -1); // the newline that ends the formatted exception
  const firstLine = summary.split("\n", 1)[0];
  const sep = firstLine.indexOf(": ");
  // Without ": ", the line is the class name alone: the exception has no message.
  const message = sep >= 0 ? summary.slice(sep + 2) : start >= 0 ? "" : summary;
  return { type: e.type ?? "Error", summary, message, traceback };
}

/**
 * A Pyodide PythonError as a plain Error: the exception's class as `name`, its text as `message`,
 * the formatted traceback as `pythonStack`.
 */
export function fromPythonError(e) {
  const { type, message, traceback } = parsePythonError(e);
  const error = new Error(message);
  error.name = type;
  error.pythonStack = traceback;
  return error;
}

/** A Pyodide PythonError as a plain Error (fromPythonError); anything else thrown as it is. */
export function asJSError(e) {
  return isPythonError(e) ? fromPythonError(e) : e;
}

/** `fn(...args)`, with a Pyodide PythonError it throws turned into a plain Error (fromPythonError). */
export function pythonCall(fn, args) {
  try {
    return fn(...args);
  } catch (e) {
    throw asJSError(e);
  }
}

/**
 * A failure of the boot as a BootError: a Pyodide PythonError names the Python exception (for
 * AppStartError its message says it all; otherwise `fallback: Type: message`), anything else is
 * `fallback: message` (a BootError stays as it is).
 */
export function pythonBootError(e, fallback) {
  if (!isPythonError(e)) {
    return e instanceof BootError ? e : new BootError(`${fallback}: ${e?.message ?? e}`, { cause: e });
  }
  const { type, summary, message, traceback } = parsePythonError(e);
  const text = type === "AppStartError" && message !== "" ? message : `${fallback}: ${summary}`;
  return new BootError(text, { pythonType: e.type, pythonTraceback: traceback, cause: e });
}
