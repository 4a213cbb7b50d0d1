// Imported by the /dom-cleanup page's component: the reference's DOMCleanup example. The cleanup runs
// when the element leaves the DOM (Py.onElementRemoved wraps the MutationObserver pattern), not from
// the component's dispose, which may run after the element is already gone.
export function watch(element, page) {
  element.textContent = "Watched by a MutationObserver.";
  Py.onElementRemoved(element, () => {
    page.invokeMethodAsync("cleaned_up", "Cleanup ran: the element left the DOM, and the observer disconnected.")
      .catch((error) => {
        // Navigating away removes the element and disposes the page (and its reference) together:
        // then there is nobody left to tell. Any other failure is a real error.
        if (!error.message.startsWith("There is no tracked object with id")) throw error;
      });
  });
}
