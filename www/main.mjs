// The sample site's page script: boots the app named by <meta name="jsinterop-app">, shows the
// progress, and shows the error instead of a blank page when the boot fails.

const $ = (id) => document.getElementById(id);

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
  const app = document.querySelector('meta[name="jsinterop-app"]')?.content || null;
  let loader;
  const loaderURL = new URL("./jsinterop.mjs", document.baseURI).href;
  try {
    loader = await import(loaderURL);
  } catch (e) {
    throw new Error(`Failed to load ${loaderURL}: ${e.message}`);
  }
  await loader.boot({
    app,
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
