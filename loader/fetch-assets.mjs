// Downloads the files a boot needs, reporting byte progress and failing with the URL that failed,
// and hands their bytes to Pyodide so that each file crosses the network once.
//
// The loader downloads them itself, ahead of Pyodide, to check status, MIME type, size and sha256
// against what the build recorded (layout.mjs): a 404, a wasm file served as text/html, a truncated,
// corrupt or cut-off file is reported by URL and reason, not as an opaque WebAssembly error (or a
// hang) deep inside Pyodide. Pyodide then gets the verified bytes from memory (handOver).

import { BootError, describe } from "./errors.mjs";
import { fallbackHasher, hasSubtleCrypto, sha256Hex } from "./sha256.mjs";

const JS_TYPES = ["text/javascript", "application/javascript", "application/x-javascript"];

/** The MIME types a file must be served with, by extension, or null when any type will do. */
export function expectedTypes(url) {
  const path = new URL(url).pathname;
  if (path.endsWith(".wasm")) return ["application/wasm"];
  if (path.endsWith(".mjs") || path.endsWith(".js")) return JS_TYPES;
  if (path.endsWith(".json")) return ["application/json"];
  return null;
}

/** Throws a BootError naming `url` unless `response` is a success with an acceptable MIME type. */
export function checkResponse(url, response) {
  if (!response.ok) {
    throw new BootError(`Failed to load ${url}: HTTP ${response.status} ${response.statusText}`.trim(), { url });
  }
  const wanted = expectedTypes(url);
  const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (wanted && !wanted.includes(type)) {
    throw new BootError(
      `Failed to load ${url}: it is served as '${type || "no Content-Type"}', expected ${wanted[0]}`,
      { url },
    );
  }
}

async function fetchChecked(url, signal = undefined) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", signal });
  } catch (e) {
    throw new BootError(`Failed to load ${url}: network error (${e.message})`, { url, cause: e });
  }
  checkResponse(url, response);
  return response;
}

/** Fetches and parses a JSON file, with the same checks as every other boot asset. */
export async function fetchJSON(url) {
  const response = await fetchChecked(url);
  try {
    return await response.json();
  } catch (e) {
    throw new BootError(`Failed to load ${url}: not valid JSON (${e.message})`, { url, cause: e });
  }
}

/** What `boot({loadBootResource})` is asked about, by kind: Pyodide's modules (imported: a URL only),
 * its runtime files (`pyodide.asm.wasm`, `python_stdlib.zip`), the wheels, a release's memory snapshot. */
export const BOOT_RESOURCE_KINDS = Object.freeze(["module", "runtime", "wheel", "snapshot"]);

/**
 * Where a boot file comes from: asks `loadBootResource(kind, name, defaultUrl)` (boot()'s option, or
 * null) and resolves to `{url, response}`: the default URL, another same-origin URL it returned (a string
 * or URL, resolved against the page), or a Response it returned (`url` stays the default, for messages
 * and records). Nothing (undefined, null) means the default. A cross-origin URL is refused with a
 * BootError naming it, as are a Response for a module (modules are imported by URL) and any other value.
 */
export async function bootResource(loadBootResource, kind, name, defaultUrl) {
  if (loadBootResource === null || loadBootResource === undefined) return { url: defaultUrl, response: null };
  let answer;
  try {
    answer = await loadBootResource(kind, name, defaultUrl);
  } catch (e) {
    throw new BootError(`Failed to load ${defaultUrl}: loadBootResource("${kind}", "${name}") threw: ${e?.message ?? e}`,
      { url: defaultUrl, cause: e });
  }
  if (answer === undefined || answer === null) return { url: defaultUrl, response: null };
  if (typeof answer === "string" || answer instanceof URL) {
    const url = new URL(answer, globalThis.location?.href ?? defaultUrl);
    const origin = new URL(defaultUrl).origin;
    if (url.origin !== origin) {
      throw new BootError(`loadBootResource returned ${url.href} for ${name}: a cross-origin URL is refused `
        + `(boot files come from the site's origin, ${origin}; return a Response to supply other bytes)`, { url: url.href });
    }
    return { url: url.href, response: null };
  }
  if (typeof Response === "function" && answer instanceof Response) {
    if (kind === "module") {
      throw new BootError(`loadBootResource returned a Response for the module ${name}: modules are imported by URL, `
        + "so return a same-origin URL (or nothing)", { url: defaultUrl });
    }
    return { url: defaultUrl, response: answer };
  }
  throw new BootError(`loadBootResource returned ${describe(answer)} for ${name}: return a same-origin URL, a Response, `
    + "or nothing for the default", { url: defaultUrl });
}

/**
 * Downloads `url` and checks it against `record` (`{bytes, sha256}`, what the build recorded for the
 * file); resolves to its bytes. Rejects with a BootError `Failed to load <url>: <reason>` when the
 * file is missing or served with the wrong type, when the connection breaks off, when it has another
 * size (truncated, or cut off by a connection closed early) or another sha256 (corrupt), and when there
 * is no record to check it against. `inspect(data)`, when given, returns a reason to refuse the bytes
 * or null; it runs after the size check and before the sha256 check.
 *
 * Where `crypto.subtle` is missing (an insecure origin) the sha256 is computed in WebAssembly (else in
 * JavaScript), chunk by chunk as the body arrives. Every boot file goes through here, whoever supplies the response:
 * `from` is what {@link bootResource} found (another URL to fetch, or a Response to read, whose Content-Type
 * is checked only when it has one); the checks and messages are the same, and name where the bytes came from.
 */
export async function fetchVerified(url, record, { onBytes = () => {}, signal = undefined, inspect = null, from = null } = {}) {
  const given = from?.response ? " (the Response loadBootResource gave)"
    : from && from.url !== url ? ` (from ${from.url}, which loadBootResource gave)` : "";
  const fail = (reason, cause = undefined) => new BootError(`Failed to load ${url}${given}: ${reason}`, { url, cause });
  if (!record || !Number.isSafeInteger(record.bytes) || typeof record.sha256 !== "string") {
    throw fail("the build recorded no size and sha256 for it, so it cannot be verified (rebuild dist/ with ./build.sh)");
  }
  let response;
  if (from?.response) {
    response = from.response;
    if (!response.ok) throw fail(`HTTP ${response.status} ${response.statusText}`.trim());
    if (response.headers.has("Content-Type")) checkResponse(url, response);
  } else {
    response = await fetchChecked(from?.url ?? url, signal);
  }
  const data = new Uint8Array(record.bytes);
  const hasher = hasSubtleCrypto() ? null : await fallbackHasher();
  let loaded = 0;
  let longer = false;
  const take = (chunk) => {
    if (loaded + chunk.byteLength > data.byteLength) {
      longer = true;
      return false;
    }
    data.set(chunk, loaded);
    hasher?.update(chunk);
    loaded += chunk.byteLength;
    onBytes(loaded);
    return true;
  };
  if (!response.body) {
    take(new Uint8Array(await response.arrayBuffer()));
  } else {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!take(value)) {
          reader.cancel().catch(() => {});
          break;
        }
      }
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      throw fail(`the download broke off (${e.message})`, e);
    }
  }
  if (longer) throw fail(`it has more than the ${record.bytes} bytes the build recorded (corrupt)`);
  if (loaded !== record.bytes) {
    throw fail(`it has ${loaded} bytes, the build recorded ${record.bytes} (corrupt or truncated)`);
  }
  const problem = inspect ? inspect(data) : null;
  if (problem) throw fail(problem);
  const digest = hasher ? hasher.hex() : await sha256Hex(data);
  if (digest !== record.sha256) throw fail(`its sha256 is ${digest}, the build recorded ${record.sha256} (corrupt)`);
  return data;
}

/** The Subresource Integrity spelling (`sha256-<base64>`) of a hex sha256. */
export function integrityOf(sha256) {
  let binary = "";
  for (let i = 0; i < sha256.length; i += 2) binary += String.fromCharCode(parseInt(sha256.slice(i, i + 2), 16));
  return `sha256-${btoa(binary)}`;
}

/**
 * Makes `fetch()` answer requests for the given files from memory instead of the network, until the
 * returned function is called. `files` maps absolute URLs to `{data, sha256}` (bytes already verified);
 * the answer is a 200 response with the file's expected Content-Type (application/wasm for a .wasm,
 * so `WebAssembly.instantiateStreaming` takes it). A request asking for another integrity than the
 * file's sha256 goes to the network. Every other request goes to the network untouched.
 *
 * This is how Pyodide gets the bytes the loader already downloaded: `loadPyodide` fetches the wasm
 * and the standard library itself, and `loadPackage` the wheels, with `fetch`.
 */
export function handOver(files) {
  const original = globalThis.fetch;
  const base = globalThis.location?.href;
  const served = new Map(files);
  const handed = function fetch(input, init = undefined) {
    let url = null;
    try {
      url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, base).href;
    } catch {
      // not a URL we could hold: the network decides
    }
    const file = url === null ? undefined : served.get(url);
    const integrity = init?.integrity ?? (input instanceof Request ? input.integrity : "");
    if (file && (!integrity || integrity === integrityOf(file.sha256))) {
      const type = (expectedTypes(url) ?? ["application/octet-stream"])[0];
      return Promise.resolve(new Response(file.data, { status: 200, headers: { "Content-Type": type } }));
    }
    return original.call(globalThis, input, init);
  };
  globalThis.fetch = handed;
  return () => {
    served.clear();  // a wrapper someone installed over ours keeps working: ours only passes through now
    if (globalThis.fetch === handed) globalThis.fetch = original;
  };
}
