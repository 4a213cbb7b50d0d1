// JavaScript for the typed-interop browser tests (@js_import stubs bind to these).
export function add(a, b) {
  return a + b;
}
export function typeOf(value) {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "Object";
  return typeof value;
}
export function echo(value) {
  return value;
}
export function square(value) {
  return value * value;
}
export function nextDay(date) {
  return new Date(date.getTime() + 86_400_000);
}
export function sum(bytes) {
  let total = 0;
  for (const b of bytes) total += b;
  return total;
}
export function keepView(view) {
  globalThis.keptView = view;
  view[0] = 255; // writes through to Python's memory: the view is not a copy
  return view.length;
}
export function makeBytes(n) {
  return Uint8Array.from({ length: n }, (_, i) => i % 256);
}
export function describeOrder(order) {
  return `${order.orderId}:${order.itemNames.join("+")}:${Object.keys(order).join(",")}`;
}
export function makeOrder() {
  return { orderId: 9, itemNames: ["a", "b"], extra: true };
}
export function call(fn, a, b) {
  return fn(a, b);
}
const listeners = new Set();
export function addListener(fn) {
  listeners.add(fn);
  return listeners.size;
}
export function removeListener(fn) {
  listeners.delete(fn);
  return listeners.size;
}
export function fire(value) {
  return [...listeners].map((fn) => fn(value));
}
export function callTwice(fn) {
  const results = [fn(1)];
  try {
    results.push(fn(2));
  } catch (e) {
    results.push(`second call failed: ${e.message.split("\n")[0]}`);
  }
  return results;
}
export async function later(x) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return x * 2;
}
export function plusOne(promise) {
  return promise.then((v) => v + 1);
}
export function makeError(message) {
  return new RangeError(message);
}
export function describeError(error) {
  return `${error.name}: ${error.message}`;
}
export function throwsTypeError() {
  throw new TypeError("bad input");
}
export function getMessage() {
  return "Hello from JavaScript";
}
