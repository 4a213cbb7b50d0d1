// The page's side of Python's component routing (jsinterop.components.browser): the location relative
// to the document's base URI, so that a site deployed under /some/prefix/ routes /some/prefix/counter
// as "/counter" with no rebuild; History API navigation; and the interception of same-origin links.
//
// Internal: Python reaches these functions as `Py._interop.router.<name>` (jsinterop.mjs puts the
// module there); they are not part of the public `Py` API.

/** The base URI's folder: the root of the app's routes (it works under any sub-path). */
export function base() {
  return new URL("./", document.baseURI);
}

/** The current location (or `url`) relative to the route base ("/counter"), or null outside it. */
export function path(url = location.href) {
  const root = base();
  const target = new URL(url, root);
  if (target.origin !== root.origin || !target.pathname.startsWith(root.pathname)) return null;
  return `/${target.pathname.slice(root.pathname.length)}`;
}

/** Changes the URL to a route path without reloading (history.pushState). */
export function push(route) {
  history.pushState(null, "", new URL(String(route).replace(/^\/+/, ""), base()));
}

/**
 * Routes clicks on same-origin links inside `container`, and back/forward navigation, to
 * `navigate(path, push)`; a link is left to the browser when `navigate` returns false. Returns the
 * function that stops it.
 */
export function interceptLinks(container, navigate) {
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const route = path(link.href);
    if (route !== null && navigate(route, true)) event.preventDefault();
  };
  const onPopState = () => {
    const route = path();
    if (route !== null) navigate(route, false);
  };
  container.addEventListener("click", onClick);
  addEventListener("popstate", onPopState);
  return () => {
    container.removeEventListener("click", onClick);
    removeEventListener("popstate", onPopState);
  };
}
