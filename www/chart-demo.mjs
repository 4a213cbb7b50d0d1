// The sample's npm dependency (www/pyproject.toml's [tool.jsinterop.npm]: chart.js 4.5.0, pinned by
// www/package-lock.json): the app's own JS
// imports the package by its bare specifier, which the build rewrites to the URL of its bundle
// (npm/chart.js/auto.mjs); Python imports it by name (`await js_runtime().import_module("chart.js")`).
import { Chart } from "chart.js/auto";

/** A bar chart of `values` labelled `labels` on `canvas`, without animation (drawn at once). */
export function barChart(canvas, labels, values) {
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "values", data: values }] },
    options: { animation: false, responsive: false },
  });
}

/** Whether `chart` was made by the same Chart class as the package's own entry (one instance). */
export function sameChartClass(chart, ChartClass) {
  return chart instanceof ChartClass;
}
