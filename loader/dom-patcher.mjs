// Applies the component renderer's DOM operations (a JSON array, one batch per render) to the page,
// and forwards the events components listen to back to Python. Elements are created with
// createElement (createElementNS inside svg and math) and text with createTextNode: no HTML is ever
// parsed, no inline handler set. What may not be rendered (script, base, javascript: URLs...) is
// refused by Python's `h` before it gets here.
//
// The operations, the container's id and the fields of an event are those of Python's
// jsinterop/components/dom.py (OPERATIONS, CONTAINER_ID, EventArgs); a test checks that they agree.

const XLINK = "http://www.w3.org/1999/xlink";

/** The node id of the container the app renders into (dom.py's CONTAINER_ID). */
export const CONTAINER_ID = 0;

/** "<div id="x" class="a b">" for messages. */
function describeElement(element) {
  const id = element.id ? ` id="${element.id}"` : "";
  const cls = element.getAttribute?.("class") ? ` class="${element.getAttribute("class")}"` : "";
  return `<${element.tagName.toLowerCase()}${id}${cls}>`;
}

/** The fields of an event a Python handler receives (dom.py's EventArgs). */
function summarize(event) {
  const target = event.target;
  return {
    type: event.type,
    value: target && "value" in target ? target.value : null,
    key: "key" in event ? event.key : null,
    checked: target && "checked" in target ? Boolean(target.checked) : null,
  };
}

/** The listeners of event options (dom.py's EVENT_OPTIONS), by (preventDefault ? 1 : 0) + (stopPropagation ? 2 : 0):
 * shared by every element, so an option costs no closure and an event no allocation. */
const OPTION_LISTENERS = [
  null,
  (event) => event.preventDefault(),
  (event) => event.stopPropagation(),
  (event) => { event.preventDefault(); event.stopPropagation(); },
];

export class DomPatcher {
  /**
   * @param {Element} container the element the app renders into (node id CONTAINER_ID)
   * @param {(id: number, event: string, summary: string) => void} dispatch Python's event entry point
   */
  constructor(container, dispatch, { debug = false, render = null } = {}) {
    this.nodes = new Map([[CONTAINER_ID, container]]);
    this.listeners = new Map(); // id -> Map(event -> listener)
    this.options = new Map(); // id -> Map(event -> one of OPTION_LISTENERS)
    this.listenerCount = 0;
    this.dispatch = dispatch;
    this.render = render;
    this.framePending = false;
    this.ids = new WeakMap(); // node -> id, to forget listeners of removed subtrees
    this.warnings = [];
    /** Debug mode (boot({debug: true})): Python's renderer also reports what `h` dropped. */
    this.debug = debug;
    // In debug mode, any change to the rendered DOM that the renderer did not make is reported:
    // the article's first rule (only mutate with JS what the framework does not own), enforced.
    this.observer = debug
      ? new MutationObserver((records) => this.#foreign(records))
      : null;
    this.observer?.observe(container, { childList: true, subtree: true, attributes: true, characterData: true });
  }

  #foreign(records) {
    for (const record of records) {
      const target = record.target.nodeType === Node.TEXT_NODE ? record.target.parentElement : record.target;
      if (!target || !this.ids.has(target) && target !== this.nodes.get(CONTAINER_ID)) continue;
      const name = describeElement(target);
      const what = record.type === "attributes" ? `its attribute '${record.attributeName}'` : "its content";
      const message = `jsinterop: JavaScript changed ${what} of ${name}, which a Python component renders; ` +
        "the next render may undo it or fail. Render it from Python, or give JS an element the component leaves empty.";
      this.warnings.push(message);
      console.warn(message);
    }
  }

  /** Applies a batch of operations (JSON text from Python). */
  apply(json) {
    this.#apply(json);
    this.observer?.takeRecords(); // our own changes are not foreign
  }

  #apply(json) {
    const nodes = this.nodes;
    for (const op of JSON.parse(json)) {
      switch (op[0]) {
        case "element": {
          const element = op.length > 3 ? document.createElementNS(op[3], op[2]) : document.createElement(op[2]);
          nodes.set(op[1], element);
          this.ids.set(element, op[1]);
          break;
        }
        case "text": {
          const text = document.createTextNode(op[2]);
          nodes.set(op[1], text);
          this.ids.set(text, op[1]);
          break;
        }
        case "set_text":
          nodes.get(op[1]).data = op[2];
          break;
        case "set_attr": {
          const element = nodes.get(op[1]);
          if (op[2] === "style") {
            // Through the CSSOM: an inline style attribute would be blocked by `style-src 'self'`.
            element.style.cssText = op[3];
            break;
          }
          if (op[2].startsWith("xlink:")) element.setAttributeNS(XLINK, op[2], op[3]);
          else element.setAttribute(op[2], op[3]);
          // Keep live properties in step with attributes the app controls (value, checked).
          if (op[2] === "value" && "value" in element && element.value !== op[3]) element.value = op[3];
          if (op[2] === "checked" && "checked" in element) element.checked = true;
          break;
        }
        case "remove_attr": {
          const element = nodes.get(op[1]);
          if (op[2].startsWith("xlink:")) element.removeAttributeNS(XLINK, op[2].slice(6));
          else element.removeAttribute(op[2]);
          if (op[2] === "checked" && "checked" in element) element.checked = false;
          break;
        }
        case "insert":
          nodes.get(op[1]).insertBefore(nodes.get(op[2]), op[3] === null ? null : nodes.get(op[3]));
          break;
        case "remove": {
          const node = nodes.get(op[1]);
          node.remove();
          this.#forget(node);
          break;
        }
        case "listen": {
          const [, id, type] = op;
          const listener = (event) => this.dispatch(id, type, JSON.stringify(summarize(event)));
          let own = this.listeners.get(id);
          if (!own) this.listeners.set(id, (own = new Map()));
          if (!own.has(type)) this.listenerCount++;
          own.set(type, listener);
          nodes.get(id).addEventListener(type, listener);
          break;
        }
        case "unlisten": {
          const own = this.listeners.get(op[1]);
          const listener = own?.get(op[2]);
          if (listener) {
            nodes.get(op[1]).removeEventListener(op[2], listener);
            own.delete(op[2]);
            this.listenerCount--;
          }
          break;
        }
        case "event_options":
          this.#setOptions(op[1], op[2], OPTION_LISTENERS[(op[3] ? 1 : 0) + (op[4] ? 2 : 0)]);
          break;
        default:
          throw new Error(`Unknown DOM operation ${JSON.stringify(op)}`);
      }
    }
  }

  /**
   * Replaces what element `id` does with `type` events before its handler (`listener`, one of
   * OPTION_LISTENERS, or null for nothing). It is synchronous, in the event's dispatch: the only time
   * preventDefault() works, and Python's handler runs too late. It runs before the element's forwarding
   * listener, which is re-added after it when it was there first (listeners run in the order added).
   */
  #setOptions(id, type, listener) {
    const element = this.nodes.get(id);
    let own = this.options.get(id);
    const previous = own?.get(type);
    if (previous) {
      element.removeEventListener(type, previous);
      own.delete(type);
      this.listenerCount--;
    }
    if (!listener) return;
    if (!own) this.options.set(id, (own = new Map()));
    own.set(type, listener);
    this.listenerCount++;
    element.addEventListener(type, listener);
    const forwarding = this.listeners.get(id)?.get(type);
    if (forwarding) {
      element.removeEventListener(type, forwarding);
      element.addEventListener(type, forwarding);
    }
  }

  /** Drops a removed subtree's nodes and listeners: nothing keeps them alive. */
  #forget(root) {
    const walker = [root];
    while (walker.length) {
      const node = walker.pop();
      const id = this.ids.get(node);
      if (id !== undefined) {
        this.nodes.delete(id);
        this.#drop(this.listeners, id, node);
        this.#drop(this.options, id, node);
      }
      for (let child = node.firstChild; child; child = child.nextSibling) walker.push(child);
    }
  }

  /** Removes the listeners `table` (listeners or options) holds for node `id`. */
  #drop(table, id, node) {
    const own = table.get(id);
    if (!own) return;
    for (const [type, listener] of own) node.removeEventListener(type, listener);
    this.listenerCount -= own.size;
    table.delete(id);
  }

  /** The element a Python ElementReference names. */
  element(id) {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`There is no rendered element with id '${id}'. Perhaps it was removed?`);
    return node;
  }

  /** Counts for leak tests. */
  counts() {
    return { nodes: this.nodes.size - 1, listeners: this.listenerCount };
  }

  /**
   * Asks for one render at the next animation frame: every state change until then is rendered in
   * one batch. A hidden page gets no frames, so there (and if a frame is late) a timer renders instead.
   */
  requestFrame() {
    if (this.framePending || !this.render) return;
    this.framePending = true;
    const run = () => {
      if (!this.framePending) return;
      this.framePending = false;
      this.render?.();
    };
    if (document.visibilityState === "hidden") {
      setTimeout(run, 0);
    } else {
      requestAnimationFrame(run);
      setTimeout(run, 100);
    }
  }

  /** Detaches from Python: listeners removed, nothing dispatched or rendered afterwards. */
  close() {
    this.observer?.disconnect();
    for (const table of [this.listeners, this.options]) {
      for (const [id, own] of table) {
        for (const [type, listener] of own) this.nodes.get(id)?.removeEventListener(type, listener);
      }
      table.clear();
    }
    this.listenerCount = 0;
    // The renderer's callbacks are Python proxies made for this patcher alone: release them.
    for (const callback of new Set([this.dispatch, this.render])) callback?.destroy?.();
    this.dispatch = () => {};
    this.render = null;
    this.framePending = false;
  }
}

/**
 * Attaches a component renderer to the element matching `selector` (for Python's
 * `jsinterop.components.mount`, through `Py._interop.createDomPatcher`), replacing the page channel's
 * previous one. Returns the patcher Python sends DOM operations to; `render`, when given, is called
 * once per animation frame after `patcher.requestFrame()`.
 */
export function attachDomPatcher(channel, selector, dispatch, { debug = false, render = null } = {}) {
  const container = document.querySelector(selector);
  if (!container) throw new Error(`No element matches '${selector}' to render components into.`);
  channel.patcher?.close();
  const patcher = new DomPatcher(container, dispatch, { debug, render });
  channel.patcher = patcher;
  return patcher;
}
