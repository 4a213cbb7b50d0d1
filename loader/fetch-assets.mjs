// Downloads the files a boot needs, reporting byte progress and failing with the URL that failed.
//
// Fetching them ahead of Pyodide fills the HTTP cache (the dev server and static hosts send
// validators, so Pyodide's own requests are cheap revalidations) and lets the loader check status
// and MIME type itself: a 404 or a wasm file served as text/html is reported by URL, not as an
// opaque WebAssembly or import error deep inside Pyodide.

import { BootError } from "./errors.mjs";

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

async function fetchChecked(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
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

/**
 * Downloads every URL in parallel and discards the bodies once counted, except those of the URLs in
 * `keep`, which are returned (URL -> Uint8Array).
 * `onBytes(loaded, total)` is called as bytes arrive; `total` grows as responses announce their
 * sizes, so the fraction only becomes exact once all headers are in.
 */
export async function prefetch(urls, onBytes = () => {}, keep = new Set()) {
  const kept = new Map();
  const sizes = new Map(urls.map((u) => [u, 0]));
  const loaded = new Map(urls.map((u) => [u, 0]));
  const report = () => {
    let a = 0;
    let t = 0;
    for (const u of urls) {
      a += loaded.get(u);
      t += Math.max(sizes.get(u), loaded.get(u));
    }
    onBytes(a, t);
  };
  await Promise.all(
    urls.map(async (url) => {
      const response = await fetchChecked(url);
      sizes.set(url, Number(response.headers.get("Content-Length")) || 0);
      report();
      if (!response.body) {
        const body = new Uint8Array(await response.arrayBuffer());
        if (keep.has(url)) kept.set(url, body);
        loaded.set(url, body.byteLength);
        report();
        return;
      }
      const reader = response.body.getReader();
      const chunks = [];
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (keep.has(url)) chunks.push(value);
          loaded.set(url, loaded.get(url) + value.byteLength);
          report();
        }
      } catch (e) {
        throw new BootError(`Failed to load ${url}: the download broke off (${e.message})`, { url, cause: e });
      }
      if (keep.has(url)) kept.set(url, concat(chunks, loaded.get(url)));
    }),
  );
  return kept;
}

function concat(chunks, length) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
