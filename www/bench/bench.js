// The JavaScript the benchmark cases call (imported by app.bench as "bench.js").
export function add(a, b) {
  return a + b;
}
export async function addLater(x) {
  return x + 1;
}
export function takeBytes(bytes) {
  return bytes.length;
}
export function makeBytes(n) {
  return new Uint8Array(n);
}
export function takeFloats(values) {
  return values.length;
}
export function makeFloats(n) {
  return new Float64Array(n);
}
export function takeRecords(records) {
  return records.length;
}
export function makeRecords(n) {
  return Array.from({ length: n }, (_, i) => ({ recordId: i, displayName: `name ${i}`, score: i / 3, tags: ["a", "b"] }));
}
