// Collocated with worker.html: runs Python's computation in the worker from a button, while the CSS
// animation and the text input stay live (the page's thread is free).

/** `computation` is a reference to app.worker_demo's Computation, lent by its main(). */
export function setUp(computation) {
  const $ = (id) => document.getElementById(id);
  $("run").addEventListener("click", async () => {
    $("run").disabled = true;
    $("result").textContent = "computing…";
    try {
      const { updates, iterations, problem } = await computation.invokeMethodAsync("run", 2000);
      $("result").textContent = problem ?? `done: ${updates} updates, ${iterations} iterations`;
    } catch (e) {
      $("result").textContent = `failed: ${e.message}`;
    } finally {
      $("run").disabled = false;
    }
  });
  $("title").addEventListener("click", async () => {
    $("title-result").textContent = await computation.invokeMethodAsync("title");
  });
  addEventListener("pagehide", () => computation.dispose(), { once: true });
}
