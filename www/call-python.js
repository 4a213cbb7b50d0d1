// Collocated with call-python.html: calls Python from JavaScript, from handlers attached with
// addEventListener (no inline handlers: the page runs under the strict Content-Security-Policy).

/** `helper` is a reference to the Python HelloHelper, lent by app.call_python's main(). */
export function setUp(helper) {
  document.getElementById("return-array").addEventListener("click", async () => {
    const numbers = await Py.invokeMethodAsync("app.call_python", "return_array");
    document.getElementById("array-result").textContent = numbers.join(", ");
  });
  document.getElementById("say-hello").addEventListener("click", async () => {
    document.getElementById("hello-result").textContent = await helper.invokeMethodAsync("say_hello");
  });
  // The reference is the page's to release: when the page goes away, dispose it.
  addEventListener("pagehide", () => helper.dispose(), { once: true });
}
