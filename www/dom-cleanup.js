// Imported by the /dom-cleanup page's component: the reference's DOMCleanup example. The cleanup runs
// when the element leaves the DOM (Py.onElementRemoved wraps the MutationObserver pattern), not from
// the component's dispose, which may run after the element is already gone.
export function watch(element, page) {
  element.textContent = "Watched by a MutationObserver.";
  Py.onElementRemoved(element, () => {
    page.invokeMethodAsync("cleaned_up", "Cleanup ran: the element left the DOM, and the observer disconnected.");
  });
}
