// Malformed calls from JavaScript into Python, generated from a seed: every call form (static
// invokables sync and async, methods of lent objects, unknown and disposed ids, @js_export functions)
// with wrong arities and hostile payloads. Returns what happened, for the test to judge.

const M = "invokables_fixture";
const BIG = 10 * 1024 * 1024;

/** A small seeded PRNG (mulberry32): the same seed gives the same calls. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deepArray(depth) {
  let value = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth) {
  let value = {};
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

/** Hostile and ordinary values; heavy ones are built once and drawn rarely. */
function payloads(shared) {
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  const cyclicArray = [1];
  cyclicArray.push(cyclicArray);
  const light = [
    () => undefined, () => null, () => true, () => false, () => 0, () => -0, () => 1, () => 2, () => -1,
    () => 1.5, () => NaN, () => Infinity, () => -Infinity, () => 2 ** 31, () => 2 ** 53, () => 2 ** 53 + 2,
    () => Number.MAX_VALUE, () => 10n, () => 2n ** 70n, () => "", () => "x", () => "\ud800", () => "\udfff\ud800",
    () => "é✓𝄞", () => "a\u0000b", () => Symbol("s"), () => Symbol.iterator, () => function named() {},
    () => () => 1, () => class Klass {}, () => ({}), () => [], () => [1, 2, 3], () => [1, "a", null],
    () => ({ orderId: 1, itemNames: ["a"] }), () => ({ orderId: "x", itemNames: [1] }),
    () => ({ orderId: 2 ** 60, itemNames: [] }), () => ({ orderId: 1, itemNames: "ab" }),
    () => JSON.parse('{"__proto__": {"polluted": true}, "orderId": 1, "itemNames": []}'),
    () => ({ constructor: { prototype: { polluted: true } } }), () => ({ prototype: { polluted: true } }),
    () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    () => Object.create(null), () => Object.assign(Object.create(null), { a: 1 }), () => cyclic,
    () => cyclicArray, () => ({ wrap: cyclic }), () => new Date(0), () => new Date(NaN), () => /re/g,
    () => new Date(8.64e15), () => new Map([[1, 2]]), () => new Set([1]), () => new WeakMap(), () => new Uint8Array([1, 2, 3]),
    () => new Float64Array([1.5, NaN]), () => new BigInt64Array(2), () => new ArrayBuffer(8),
    () => new DataView(new ArrayBuffer(4)), () => Promise.resolve(1), () => new Error("an error"),
    () => new Proxy({}, { get() { throw new Error("payload: proxy get trap"); }, ownKeys() { throw new Error("payload: proxy ownKeys trap"); } }),
    () => ({ get boom() { throw new Error("payload: throwing getter"); }, y: 1 }), () => ({ toJSON() { throw new Error("payload: throwing toJSON"); } }),
    () => ({ toJSON() { return { orderId: 3, itemNames: ["t"] }; } }), () => [undefined, () => 1, Symbol("in")],
    () => ({ [Symbol("key")]: 1, a: Symbol("value") }), () => globalThis.document?.body ?? null,
    () => globalThis, () => shared.helper, () => shared.disposed, () => shared.jsRef, () => shared.Py,
    () => ({ __pyObjectId: 424242 }), () => ({ __jsObjectId: 987654 }), () => ({ __jsinteropBytes: 99 }),
    () => ({ __pyStream: 77 }), () => ({ __jsinteropNumber: "NaN" }), () => ({ __jsinteropBigInt: "12" }),
    () => ({ __jsinteropStream: [1, 2] }), () => ({ __jsObjectId: "x", extra: 1 }),
  ];
  const heavy = [
    () => shared.bigString, () => [shared.bigString], () => deepArray(10_000), () => deepObject(10_000),
    () => ({ nested: deepArray(10_000) }), () => deepArray(2_000), () => deepObject(1_500), () => new Uint8Array(BIG),
    () => deepArray(31) /* 32 levels: the limit */, () => deepObject(32), () => deepArray(32), () => deepObject(5_000), () => deepArray(5_000), () => deepObject(100_000),
    () => deepArray(100_000),
  ];
  return { light, heavy };
}

/** The call forms, each taking the argument list. */
function targets(shared) {
  const { Py, helper, disposed, exports } = shared;
  return [
    ["invokeMethod add", (args) => Py.invokeMethod(M, "add", ...args)],
    ["invokeMethodAsync add", (args) => Py.invokeMethodAsync(M, "add", ...args)],
    ["invokeMethodAsync AddAsync", (args) => Py.invokeMethodAsync(M, "AddAsync", ...args)],
    ["invokeMethod AddAsync", (args) => Py.invokeMethod(M, "AddAsync", ...args)],
    ["invokeMethod AddAsync, well-typed", () => Py.invokeMethod(M, "AddAsync", 1, 2)],
    ["invokeMethod describe", (args) => Py.invokeMethod(M, "describe", ...args)],
    ["invokeMethod echo", (args) => Py.invokeMethod(M, "echo", ...args)],
    ["invokeMethod helper_name", (args) => Py.invokeMethod(M, "helper_name", ...args)],
    ["invokeMethod fails", (args) => Py.invokeMethod(M, "fails", ...args)],
    ["invokeMethodAsync fails_async", (args) => Py.invokeMethodAsync(M, "fails_async", ...args)],
    ["invokeMethod unknown module", (args) => Py.invokeMethod(`${M}_nope`, "add", ...args)],
    ["invokeMethod unknown identifier", (args) => Py.invokeMethod(M, "nope", ...args)],
    ["invokeMethod non-string names", (args) => Py.invokeMethod(args[0], args[1], ...args.slice(2))],
    ["invokeMethodAsync non-string names", (args) => Py.invokeMethodAsync(args[0], args[1], ...args.slice(2))],
    ["helper.invokeMethod ping", (args) => helper.invokeMethod("ping", ...args)],
    ["helper.invokeMethodAsync ping", (args) => helper.invokeMethodAsync("ping", ...args)],
    ["helper.invokeMethod non-string identifier", (args) => helper.invokeMethod(...args)],
    ["disposed.invokeMethod ping", (args) => disposed.invokeMethod("ping", ...args)],
    ["disposed.invokeMethodAsync ping", (args) => disposed.invokeMethodAsync("ping", ...args)],
    ["export add", (args) => exports.add(...args)],
    ["export total", (args) => exports.total(...args)],
    ["export reverse", (args) => exports.reverse(...args)],
    ["export greet", (args) => exports.greet(...args)],
    ["export tomorrow", (args) => exports.tomorrow(...args)],
    ["export big", (args) => exports.big(...args)],
  ];
}

/** The expected result of a well-formed call, or undefined when any clear outcome will do. */
function expected(target, args) {
  const safeInt = (v) => typeof v === "number" && Number.isSafeInteger(v) && !Object.is(v, -0);
  if (target.endsWith(" add") && args.length >= 1 && args.length <= 2 && args.every(safeInt)) {
    const sum = args[0] + (args.length === 2 ? args[1] : target.startsWith("export") ? NaN : 10);
    if (target === "export add" && args.length !== 2) return undefined;
    return Number.isSafeInteger(sum) ? sum : undefined;
  }
  return undefined;
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`HUNG: no outcome after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Runs every call form once with each payload alone, then `count` calls with random arities and
 * payloads. Returns `{ calls, outcomes, messages, failures }`: `messages` maps each distinct error
 * message (digits folded to 9) to [error name, first call that gave it]; `failures` lists calls whose
 * outcome was not a clear Error or a correct result; `byForm` gives each call form's count of results and
 * its distinct (folded) error messages. Works on both sides of worker mode (`Py.worker`).
 */
export async function runHostileCalls(Py, count, seed) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const exports = await Py.getPythonExports("exports_fixture");
  // In worker mode (Py.worker) Python cannot be called synchronously: the lent objects are made asynchronously.
  const lend = (name) => (Py.worker ? Py.invokeMethodAsync(M, "make_helper", name) : Py.invokeMethod(M, "make_helper", name));
  const helper = await lend("hostile");
  const disposed = await lend("gone");
  disposed.dispose();
  const jsRef = Py.createJSObjectReference({ kind: "a JS object" });
  const shared = { Py, helper, disposed, exports, jsRef, bigString: "x".repeat(BIG) };
  const { light, heavy } = payloads(shared);
  const forms = targets(shared);
  const plan = [];
  for (const form of forms) for (const payload of [...light, ...heavy]) plan.push([form, [payload()]]);
  for (let i = 0; i < count; i++) {
    const arity = Math.floor(next() * 6);
    plan.push([forms[i % forms.length], Array.from({ length: arity }, () => (next() < 0.02 ? pick(heavy) : pick(light))())]);
  }
  const outcomes = { result: 0, error: 0 };
  const messages = {};
  const failures = [];
  const byForm = Object.fromEntries(forms.map(([name]) => [name, { results: 0, messages: [] }]));
  for (const [i, [[name, call], args]] of plan.entries()) {
    const describe = () => `#${i} ${name}(${args.map((a) => typeof a).join(", ")})`;
    try {
      let value = call(args);
      if (value instanceof Promise) value = await withTimeout(value, 10_000);
      outcomes.result++;
      byForm[name].results++;
      const want = expected(name, args);
      if (want !== undefined && value !== want) failures.push(`${describe()}: returned ${String(value)}, expected ${want}`);
    } catch (e) {
      outcomes.error++;
      const clear = e instanceof Error && typeof e.message === "string" && e.message.trim().length >= 8
        && e.constructor?.name !== "PythonError" && !e.message.startsWith("HUNG");
      if (!clear) {
        failures.push(`${describe()}: threw ${e?.constructor?.name} ${String(e?.message ?? e).slice(0, 300)}`);
        continue;
      }
      const key = e.message.slice(0, 2000).replace(/\d+/g, "9");
      messages[key] ??= [e.name, describe()];
      if (!byForm[name].messages.includes(key)) byForm[name].messages.push(key);
    }
  }
  helper.dispose();
  Py.disposeJSObjectReference(jsRef);
  return { calls: plan.length, outcomes, messages, failures, byForm };
}

/** Own property names of the built-in prototypes a payload might try to pollute. */
export function prototypeSnapshot() {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Promise.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join(","));
}
