"""npm packages in a real page of the built site, under the strict CSP: the sample's
``[tool.jsinterop.npm]`` (chart.js 4.5.0, which imports @kurkle/color) is bundled into ``npm/`` by
jsinterop.tool.npm, Python imports it by its bare specifier, and the app's own JS (www/chart-demo.mjs)
imports it by its bare specifier too, rewritten by the build. The page fixture checks that the page
saw no CSP violation and no uncaught error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PRELUDE = """
import js
from jsinterop import JSException, JSObjectReference, js_import, js_runtime, load_js_module

rt = js_runtime()
await load_js_module("chart.js/helpers")  # no URL: the name is the bare specifier; it stays loaded
baseline = rt.tracked_counts()


def canvas(name):
    element = js.document.createElement("canvas")
    element.id, element.width, element.height = name, 320, 200
    js.document.body.append(element)
    return element


def drawn(element):
    pixels = element.getContext("2d").getImageData(0, 0, element.width, element.height).data.to_py()
    return any(pixels[3::4])  # some pixel is not transparent
"""

CONFIG = '{"type": "bar", "data": {"labels": ["a", "b", "c"], "datasets": [{"label": "n", "data": [3, 1, 2]}]}, ' \
         '"options": {"animation": False, "responsive": False}}'


def test_python_imports_a_package_by_its_bare_specifier_and_constructs_its_class(py):
    assert py(f"""
    element, _ = canvas("npm-main"), canvas("npm-unregistered")
    out = []
    async with await rt.import_module("chart.js") as chart_js:
        async with await rt.invoke_async("document.getElementById", "npm-unregistered", returns=JSObjectReference) as other:
            try:  # the package's main entry registers no chart type: chart.js/auto does
                await chart_js.invoke_constructor_async("Chart", other, {CONFIG})
            except JSException as e:
                out.append("is not a registered controller" in e.message)
        ref = await rt.invoke_async("document.getElementById", "npm-main", returns=JSObjectReference)
        # chart.js/auto registers them on the package's one instance (code splitting shares it)
        async with await rt.import_module("chart.js/auto") as auto:
            async with await chart_js.invoke_constructor_async("Chart", ref, {CONFIG}) as chart:
                out += [await chart.get_value_async("data.labels"), await chart.get_value_async("data.datasets.0.data"),
                        drawn(element), await chart.get_value_async("config.type")]
                await chart.invoke_void_async("destroy")
        await ref.dispose_async()
    out
    """) == [True, ["a", "b", "c"], [3, 1, 2], True, "bar"]


def test_js_import_binds_a_function_of_a_documented_sub_path(py):
    assert py("""
    @js_import("toPercentage", "chart.js/helpers")
    def to_percentage(value: str, dimension: float) -> float: ...


    [to_percentage("50%", 1.0), to_percentage("25%", 2.0)]
    """) == [0.5, 0.25]


def test_the_apps_js_imports_the_package_by_its_bare_specifier_rewritten_by_the_build(py):
    assert py("""
    element = canvas("npm-demo")
    async with await rt.import_module("./chart-demo.mjs") as demo, await rt.import_module("chart.js") as chart_js:
        ref = await rt.invoke_async("document.getElementById", "npm-demo", returns=JSObjectReference)
        chart = await demo.invoke_async("barChart", ref, ["x", "y"], [5, 7], returns=JSObjectReference)
        cls = await chart_js.get_value_async("Chart", returns=JSObjectReference)
        out = [await chart.get_value_async("data.datasets.0.data"), drawn(element),
               await demo.invoke_async("sameChartClass", chart, cls)]
        await chart.invoke_void_async("destroy")
        for r in (chart, cls, ref):
            await r.dispose_async()
    out
    """) == [[5, 7], True, True]


def test_an_unknown_bare_specifier_names_it_and_the_table(py):
    message = py("""
    try:
        await rt.import_module("left-pad")
    except JSException as e:
        message = e.message
    message
    """)
    assert "'left-pad' is a bare npm specifier that this build did not bundle" in message
    assert "[tool.jsinterop.npm]" in message and "chart.js/auto" in message
