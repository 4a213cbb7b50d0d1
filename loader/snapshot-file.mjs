// The file a release's memory snapshot is shipped in: a 64-byte header of ours, then Pyodide's snapshot.
//
//   bytes  0..16  "jsinterop-snap01" (ASCII): what the file is, and the version of this format
//   bytes 16..48  the build digest: the sha256 of everything the snapshot was made from (Pyodide's
//                 files, the lock, the wheels, the script, node's version, the packages and modules;
//                 tools/build.py memory_snapshot), which tells apart the snapshots of two builds (they
//                 all have the same size)
//   bytes 48..64  zero
//   bytes 64..    Pyodide's own snapshot (`makeMemorySnapshot()`): its magic number, the size of its
//                 metadata and Pyodide's build id in its first 48 bytes, then the heap
//
// tools/snapshot.mjs writes it (wrapSnapshot); the loader checks it (snapshotProblem) before it
// hands Pyodide the part after our header (pyodideSnapshot).

import { toHex } from "./sha256.mjs";

/** The first 16 bytes of every snapshot file, in ASCII. */
export const SNAPSHOT_FILE_MAGIC = "jsinterop-snap01";
/** The size of our header: Pyodide's snapshot starts there (a multiple of 16, as Pyodide's views need). */
export const SNAPSHOT_FILE_HEADER = 64;
/** The magic number and header size of Pyodide's own snapshot (pyodide.asm.mjs, restoreSnapshot). */
const PYODIDE_MAGIC = 1886286592;
const PYODIDE_HEADER = 48;

/** The snapshot file of Pyodide's snapshot `snapshot` (a Uint8Array), made by the build `build` (64 hex digits). */
export function wrapSnapshot(snapshot, build) {
  if (!/^[0-9a-f]{64}$/.test(build)) throw new Error(`the build digest must be 64 hex digits, got ${JSON.stringify(build)}`);
  const out = new Uint8Array(SNAPSHOT_FILE_HEADER + snapshot.byteLength);
  for (let i = 0; i < SNAPSHOT_FILE_MAGIC.length; i++) out[i] = SNAPSHOT_FILE_MAGIC.charCodeAt(i);
  for (let i = 0; i < 32; i++) out[16 + i] = parseInt(build.slice(i * 2, i * 2 + 2), 16);
  out.set(snapshot, SNAPSHOT_FILE_HEADER);
  return out;
}

/** Pyodide's snapshot inside the snapshot file `data` (a view, not a copy). */
export function pyodideSnapshot(data) {
  return data.subarray(SNAPSHOT_FILE_HEADER);
}

/** The build digest in the header of the snapshot file `data` (64 hex digits). */
export function snapshotBuild(data) {
  return toHex(data.subarray(16, 48));
}

/** Pyodide's build id in the snapshot file `data` (64 hex digits, as pyodide.mjs spells BUILD_ID). */
export function snapshotPyodideBuildId(data) {
  const view = new DataView(data.buffer, data.byteOffset + SNAPSHOT_FILE_HEADER, PYODIDE_HEADER);
  let id = "";
  for (let i = 4; i < 12; i++) id += view.getUint32(i * 4, true).toString(16).padStart(8, "0");
  return id;
}

/**
 * Why the header of the snapshot file `data` is not that of the release's snapshot `record` (`{build,
 * buildId}`), or null. Its size and sha256 are checked as every boot file's are (fetchVerified).
 */
export function snapshotProblem(data, record) {
  const magic = String.fromCharCode(...data.subarray(0, SNAPSHOT_FILE_MAGIC.length));
  if (data.byteLength < SNAPSHOT_FILE_HEADER + PYODIDE_HEADER || magic !== SNAPSHOT_FILE_MAGIC) {
    return "it is not a jsinterop memory snapshot (wrong magic number)";
  }
  const build = snapshotBuild(data);
  if (build !== record.build) {
    return `it was made by another build (${build}), this release's is ${record.build}`;
  }
  const view = new DataView(data.buffer, data.byteOffset + SNAPSHOT_FILE_HEADER, PYODIDE_HEADER);
  if (view.getUint32(0, true) !== PYODIDE_MAGIC) {
    return "it holds no Pyodide memory snapshot (wrong magic number)";
  }
  const buildId = snapshotPyodideBuildId(data);
  if (buildId !== record.buildId) {
    return `Snapshot build id mismatch: it was made by Pyodide build ${buildId}, the release's is ${record.buildId}`;
  }
  return null;
}
