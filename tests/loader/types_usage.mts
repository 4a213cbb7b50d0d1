// Compiled (not run) by test_types.py against dist/jsinterop.d.mts: the loader's public API as a
// TypeScript user writes it. Lines marked @ts-expect-error must fail to type-check.
import {
  boot,
  BootError,
  PackageLoadError,
  PyRuntime,
  STAGES,
  type BootOptions,
  type JSInitializer,
  type LoadBootResource,
  type JSObjectRef,
  type PyObjectRef,
  type PythonCallError,
  type JSStreamRef,
  type PyStream,
  type TrackedCounts,
} from "./jsinterop.mjs";

const options: BootOptions = { app: "app", onProgress: (fraction: number, label: string) => void [fraction, label] };
const rt: PyRuntime = await boot(options);
const version: string = rt.pyodide.version;
const base: string = rt.baseURL;
const app: string | null = rt.app;
const ready: "Ready" = STAGES.ready[1];
addEventListener("jsinterop:progress", (e) => void e.detail.fraction.toFixed(2));
try {
  await boot();
} catch (e) {
  if (e instanceof BootError) void [e.url, e.pythonType, e.pythonTraceback, e.message];
}
void globalThis.Py?.pyodide;
try {
  const installed: string[] = await rt.loadPackages(["tblib"]);
  void installed;
} catch (e) {
  if (e instanceof PackageLoadError) void [e.packages.length, e.message];
}
const ref: JSObjectRef = rt.createJSObjectReference(document.body);
const streamRef: JSStreamRef = rt.createJSStreamReference(new Blob(["x"]));
const size: number | null = streamRef.length;
rt.disposeJSObjectReference(ref);
const counts: TrackedCounts = rt.debug.trackedCounts();
async function upload(data: PyStream): Promise<number> {
  const chunks: ReadableStream<Uint8Array> = data.stream();
  void chunks;
  return (await data.arrayBuffer()).byteLength + (data.length ?? 0);
}
void [size, counts, upload];
const numbers = await rt.invokeMethodAsync<number[]>("app.call_python", "return_array");
const doubled: number = rt.invokeMethod<number>("app.calc", "double", numbers[0]);
async function greet(helper: PyObjectRef): Promise<string> {
  try {
    return await helper.invokeMethodAsync<string>("say_hello");
  } catch (e) {
    return (e as PythonCallError).pythonStack ?? "";
  } finally {
    helper.dispose();
  }
}
await boot({ app: "app", detailedErrors: true, debug: true });
void [doubled, greet, rt.detailedErrors];
const cancel: () => void = rt.onElementRemoved(document.body, (element: Node) => void element);
cancel();
void [version, base, app, ready];

// @ts-expect-error: app is a module name, not a number
await boot({ app: 3 });
// @ts-expect-error: onProgress takes (fraction, label)
await boot({ onProgress: (x: { fraction: number }) => x });
// @ts-expect-error: the runtime has no such member
void rt.invokeSomething;
// @ts-expect-error: the module name comes first and is a string
rt.invokeMethod(1, "x");
// @ts-expect-error: a number is not streamable
rt.createJSStreamReference(42);
const timings = rt.bootTimings;
if (timings !== null) {
  const total: number = timings.download + timings.start + timings.install + timings.app;
  void total;
}

// boot({loadBootResource}) and JS initializers (*.lib.module.js).
const loadBootResource: LoadBootResource = (kind, name, defaultUrl) =>
  kind === "wheel" ? fetch(defaultUrl) : kind === "runtime" ? `./mirror/${name}` : undefined;
await boot({ app: "app", loadBootResource });
await boot({ loadBootResource: async () => new URL("./x.wasm", location.href) });
// @ts-expect-error a kind loadBootResource is never asked about
await boot({ loadBootResource: (kind: "manifest") => undefined });
// @ts-expect-error loadBootResource returns a URL, a Response or nothing
await boot({ loadBootResource: () => 42 });
const initializer: JSInitializer = {
  beforeStart(options) { options.loadBootResource = loadBootResource; },
  async afterStarted(py) { void py.pyodide.version; },
};
void initializer;
addEventListener("jsinterop:live-reload", (e) => void (e.detail.kind === "python" ? e.detail.reimport : e.detail.kind));
void rt.liveReloads?.length;
