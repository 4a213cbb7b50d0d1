// The page script, the same in every app `jsinterop new` creates: boots the app named by
// <meta name="jsinterop-app">, shows the progress, and shows the error instead of a blank page when the boot fails.

const $ = (id) => document.getElementById(id);

/** Builds the boot UI (progress bar, stage label, error panel) inside <section id="boot">. */
function renderBootSection() {
  const make = (tag, props = {}, ...children) => {
    const element = Object.assign(document.createElement(tag), props);
    element.append(...children);
    return element;
  };
  let section = $("boot");
  if (!section) {
    section = make("section", { id: "boot" });
    document.body.prepend(section);
  }
  section.replaceChildren(
    make("progress", { id: "boot-progress", max: 1, value: 0 }),
    make("div", { id: "boot-label" }, "Loading…"),
    make(
      "div",
      { id: "boot-error", role: "alert", hidden: true },
      make("h2", {}, "The app could not start"),
      make("p", { id: "boot-error-message" }),
      make(
        "details",
        { id: "boot-error-details", hidden: true },
        make("summary", {}, "Python traceback"),
        make("pre", { id: "boot-error-traceback" }),
      ),
    ),
  );
}

function showError(error) {
  $("boot-progress").hidden = true;
  $("boot-label").hidden = true;
  $("boot-error").hidden = false;
  $("boot-error-message").textContent = error?.message ?? String(error);
  const traceback = error?.pythonTraceback;
  $("boot-error-details").hidden = !traceback;
  $("boot-error-traceback").textContent = traceback ?? "";
}

async function start() {
  renderBootSection();
  const app = document.querySelector('meta[name="jsinterop-app"]')?.content || null;
  let loader;
  const loaderURL = new URL("./jsinterop.mjs", document.baseURI).href;
  try {
    loader = await import(loaderURL);
  } catch (e) {
    throw new Error(`Failed to load ${loaderURL}: ${e.message}`);
  }
  // ?snapshot=off boots without the release's memory snapshot (to compare, or as an escape hatch).
  const snapshot = new URLSearchParams(location.search).get("snapshot") !== "off";
  // <meta name="jsinterop-worker" content="true"> boots Python in a Web Worker (false: on this page's thread).
  const worker = document.querySelector('meta[name="jsinterop-worker"]')?.content;
  await loader.boot({
    app,
    snapshot,
    ...(worker === "true" || worker === "false" ? { worker: worker === "true" } : {}),
    onProgress(fraction, label) {
      $("boot-progress").value = fraction;
      $("boot-label").textContent = `${label}… ${Math.round(fraction * 100)}%`;
    },
  });
}

start().catch((error) => {
  showError(error);
  console.error(error);
});
