// Collocated with app/interop.py: JavaScript that Python calls, and that calls Python back.
export function describe(text) {
  return `JavaScript got ${JSON.stringify(text)} (${text.length} characters) and upper-cased it: ${text.toUpperCase()}`;
}

export async function roundTrip(value) {
  // JavaScript calling a @js_invokable Python function, inside a call that came from Python.
  const doubled = await Py.invokeMethodAsync("app.interop", "double", value);
  return `Python doubled ${value} into ${doubled}, asked by JavaScript, asked by Python.`;
}
