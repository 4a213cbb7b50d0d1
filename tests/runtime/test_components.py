"""The component core on CPython: element builder, keyed diff, events, lifecycle, error boundary,
dependency injection, and jsinterop.testing.render (bUnit's model)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsinterop import JSModuleNotLoadedError, JSRuntime, js_import, load_js_module
from jsinterop.components import Component, ElementReference, EventArgs, h, inject
from jsinterop.testing import ANY, FakeJSRuntime
from jsinterop.testing.components import render


class Counter(Component):
    start: int = 0

    def on_initialized(self) -> None:
        self.count = self.start

    def add(self) -> None:
        self.count += 1

    def render(self):
        return h.div(h.p(f"Count: {self.count}"), h.button("Add", on_click=self.add), class_="counter")


def test_builder_escapes_text_and_maps_attributes():
    node = h.label("<script>alert(1)</script>", for_="x", class_="a b", data_user_id=7, aria_label="L",
                   hidden=True, disabled=False)
    assert node.attrs == {"for": "x", "class": "a b", "data-user-id": "7", "aria-label": "L", "hidden": ""}
    page = render(type("T", (Component,), {"render": lambda self: node}))
    assert page.markup == ('<label for="x" class="a b" data-user-id="7" aria-label="L" hidden>'
                           "&lt;script&gt;alert(1)&lt;/script&gt;</label>")


def test_inline_handlers_are_refused():
    with pytest.raises(ValueError, match="'onclick' on <button> would be an inline handler"):
        h.button("x", onclick="alert(1)")
    with pytest.raises(TypeError, match="on_click on <button> must be callable"):
        h.button("x", on_click="alert(1)")


def test_click_re_renders_only_what_changed():
    page = render(Counter, start=5)
    assert page.markup == '<div class="counter"><p>Count: 5</p><button>Add</button></div>'
    before = len(page.dom.applied)
    page.find("button").click()
    assert page.find("p").text == "Count: 6"
    assert page.dom.applied[before:] == [("set_text", page.find("p").node.children[0].id, "Count: 6")]


class Rows(Component):
    rows: list[tuple[int, str]] = []

    def render(self):
        return h.ul([h.li(h.input(value=label), key=row_id) for row_id, label in self.rows])


def test_keyed_children_keep_their_nodes_and_move():
    page = render(Rows, rows=[(1, "a"), (2, "b"), (3, "c")])
    nodes = {li.node.id: li for li in page.find_all("li")}
    first_ids = [li.node.id for li in page.find_all("li")]
    page.instance.rows = [(3, "c"), (1, "a!"), (4, "d")]
    page.instance.state_has_changed()
    page.flush()
    after = page.find_all("li")
    assert [li.node.id for li in after][:2] == [first_ids[2], first_ids[0]]  # reused, reordered
    assert [li.node.children[0].attrs["value"] for li in after] == ["c", "a!", "d"]
    assert page.markup == '<ul><li><input value="c"></input></li><li><input value="a!"></input></li>' \
                          '<li><input value="d"></input></li></ul>'
    assert len(nodes) == 3


def test_keyed_update_of_10_rows_in_1000_touches_only_those_rows():
    page = render(Rows, rows=[(i, f"row {i}") for i in range(1000)])
    before = len(page.dom.applied)
    page.instance.rows = [(i, f"row {i}" + ("!" if i % 100 == 0 else "")) for i in range(1000)]
    page.instance.state_has_changed()
    page.flush()
    ops = page.dom.applied[before:]
    assert len(ops) == 10 and {op[0] for op in ops} == {"set_attr"}


class Lifecycle(Component):
    log: list[str]

    def on_initialized(self) -> None:
        self.log.append("initialized")

    def on_parameters_set(self) -> None:
        self.log.append("parameters_set")

    def on_after_render(self, first_render: bool) -> None:
        self.log.append(f"after_render({first_render})")

    def dispose(self) -> None:
        self.log.append("dispose")

    def render(self):
        return h.span("x", on_click=self.state_has_changed)


def test_lifecycle_order_and_dispose():
    log: list[str] = []
    page = render(Lifecycle, log=log)
    page.find("span").click()
    page.dispose()
    assert log == ["initialized", "parameters_set", "after_render(True)", "after_render(False)", "dispose"]
    assert page.markup == ""


class Loader(Component):
    def on_initialized(self) -> None:
        self.items: list[str] | None = None

    async def on_initialized_async(self) -> None:
        await asyncio.sleep(0)
        self.items = ["one", "two"]

    def render(self):
        if self.items is None:
            return h.p("Loading…")
        return h.ul([h.li(i) for i in self.items])


def test_async_initialization_renders_twice():
    async def scenario():
        page = render(Loader)
        first = page.markup
        await page.settle()
        return first, page.markup

    assert asyncio.run(scenario()) == ("<p>Loading…</p>", "<ul><li>one</li><li>two</li></ul>")


class Parent(Component):
    def on_initialized(self) -> None:
        self.label = "first"

    def render(self):
        return h.div(h.component(Child, label=self.label), h.button("change", on_click=self.change))

    def change(self) -> None:
        self.label = "second"


class Child(Component):
    label: str = ""
    sets = 0

    def on_parameters_set(self) -> None:
        Child.sets += 1

    def render(self):
        return h.em(self.label)


def test_child_components_get_new_parameters():
    Child.sets = 0
    page = render(Parent)
    page.find("button").click()
    assert page.find("em").text == "second" and Child.sets == 2


class Broken(Component):
    def render(self):
        return h.div(h.button("boom", on_click=self.boom), h.component(Fine))

    def boom(self) -> None:
        raise RuntimeError("handler failed")


class Fine(Component):
    def render(self):
        return h.p("still here", class_="fine")


def test_error_boundary_replaces_only_the_failing_component():
    page = render(Broken)
    page.find("button").click()
    boundary = page.find(".jsinterop-error-boundary")
    assert "An error occurred in Broken." in boundary.text and "RuntimeError: handler failed" in boundary.text
    assert "Traceback" in boundary.text  # detailed errors in tests
    page.instance.state_has_changed()  # a later render of the failed component still shows its boundary
    page.flush()
    assert page.find_all("button") == [] and page.find(".jsinterop-error-boundary")


class Shell(Component):
    def render(self):
        return h.div(h.component(Broken), h.component(Fine))


def test_a_failing_child_does_not_kill_its_siblings():
    page = render(Shell)
    page.find("button").click()
    assert page.find(".jsinterop-error-boundary")
    assert page.find("p.fine").text == "still here"


class Injected(Component):
    js: JSRuntime = inject()

    def on_initialized(self) -> None:
        self.input_ref = ElementReference()

    def render(self):
        return h.div(h.input(ref=self.input_ref), h.button("focus", on_click=self.focus))

    def focus(self, event: EventArgs) -> None:
        self.js.invoke("focusElement", self.input_ref.node_id, event.type)


def test_injection_element_refs_and_js_calls():
    fake = FakeJSRuntime()
    fake.setup("focusElement")
    page = render(Injected, js=fake)
    page.find("button").click()
    assert fake.invocations[0].args == [page.find("input").node.id, "click"]


class NeedsThing(Component):
    thing: dict = inject()

    def render(self):
        return h.p()


def test_missing_service_is_named():
    with pytest.raises(LookupError, match="NeedsThing.thing: no service of type dict"):
        render(NeedsThing)


def test_event_values_reach_handlers():
    class Form(Component):
        def on_initialized(self) -> None:
            self.name = ""

        def render(self):
            return h.div(h.input(on_input=self.typed), h.p(f"Hello {self.name}"))

        def typed(self, event: EventArgs) -> None:
            self.name = event.value

    page = render(Form)
    page.find("input").input("Ada")
    assert page.find("p").text == "Hello Ada"
    with pytest.raises(AssertionError, match="has no 'click' handler"):
        page.find("p").click()


def test_readme_example_on_the_sample_counter():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "www"))
    try:
        from app.counter import Counter as SampleCounter
    finally:
        sys.path.pop(0)
    page = render(SampleCounter)
    page.find("#increment").click()
    assert page.find("#count").text == "Current count: 1"
    page.find("#draft").input("milk")
    page.find("#add").click()
    assert [li.text.strip(" ×") for li in page.find_all("li")] == ["milk"]
    page.find(".remove").click()
    assert page.find_all("li") == []


def test_router_renders_pages_with_route_parameters_and_not_found():
    from jsinterop.components import Router, page as route
    from jsinterop.components.routing import match_route

    @route("/item/{item_id:int}")
    class Item(Component):
        item_id: int = 0

        def render(self):
            return h.p(f"item {self.item_id} ({type(self.item_id).__name__})", id="item")

    rendered = render(Router, path="/item/7")
    assert rendered.find("#item").text == "item 7 (int)"
    rendered.navigation.navigate_to("/item/8/")
    rendered.flush()
    assert rendered.find("#item").text == "item 8 (int)"
    rendered.navigation.navigate_to("/item/x")
    rendered.flush()
    assert rendered.find(".not-found").text.startswith("Not foundThere is nothing at /item/x.")
    assert match_route("/item/3?tab=1#top")[1] == {"item_id": 3}


def test_route_templates_are_checked():
    from jsinterop.components import page as route

    with pytest.raises(ValueError, match="must start with '/'"):
        route("counter")
    with pytest.raises(ValueError, match="unknown constraint 'date'"):
        route("/x/{when:date}")
    with pytest.raises(TypeError, match="applies to Component classes"):
        route("/fn")(lambda: None)


def test_sample_app_routes():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "www"))
    try:
        from app import App
    finally:
        sys.path.pop(0)
    site = render(App, path="/counter")
    assert site.find("#count").text == "Current count: 0"
    assert [a.attrs["href"] for a in site.find_all("nav a")][:3] == ["./", "counter", "dom-cleanup"]
    site.navigation.navigate_to("/")
    site.flush()
    assert site.find("#is-browser").text == "False"  # rendered on CPython


def test_collocated_module_url():
    from jsinterop.components.component import collocated_module_url

    assert collocated_module_url("app.alert_user") == "./app/alert_user.js"
    assert collocated_module_url("shop.pages.cart") == "./shop/pages/cart.js"


class Item(Component):
    label: str = ""
    renders = 0

    def render(self):
        type(self).renders += 1
        return h.li(self.label)


class ItemList(Component):
    items: list[tuple[int, str]] = []
    extra: object = None

    def render(self):
        params = {} if self.extra is None else {"extra": self.extra}
        return h.ul([h.component(Item, key=item_id, label=label, **params) for item_id, label in self.items])


def test_children_with_unchanged_immutable_parameters_are_not_re_rendered():
    Item.renders = 0
    page = render(ItemList, items=[(i, f"item {i}") for i in range(100)])
    assert Item.renders == 100
    page.instance.items = [(i, f"item {i}" + ("!" if i == 42 else "")) for i in range(100)]
    page.instance.state_has_changed()
    page.flush()
    assert Item.renders == 101  # only the changed child rendered again (Blazor's change detection)
    assert page.find_all("li")[42].text == "item 42!"
    # A mutable parameter (here a list) may have changed in place: every child renders again.
    page.instance.extra = []
    page.instance.state_has_changed()
    page.flush()
    page.instance.state_has_changed()
    page.flush()
    assert Item.renders == 301


class Frozen(Component):
    value: int = 0

    def should_render(self) -> bool:
        return self.value < 2

    def bump(self) -> None:
        self.value += 1

    def render(self):
        return h.button(str(self.value), on_click=self.bump)


def test_should_render_can_skip_renders():
    page = render(Frozen)
    page.find("button").click()
    assert page.find("button").text == "1"
    page.find("button").click()  # value is 2 now: should_render() says no, the DOM keeps "1"
    assert page.find("button").text == "1"


def test_keyed_moves_are_minimal():
    """Swapping two rows of 1,000 moves two nodes, not every row between them (longest run kept)."""
    rows = [(i, f"row {i}") for i in range(1000)]
    page = render(Rows, rows=rows)
    swapped = list(rows)
    swapped[1], swapped[998] = swapped[998], swapped[1]
    before = len(page.dom.applied)
    page.instance.rows = swapped
    page.instance.state_has_changed()
    page.flush()
    ops = page.dom.applied[before:]
    assert [op[0] for op in ops] == ["insert", "insert"]
    assert [li.children[0].attrs["value"] for li in page.find("ul").node.children] == [label for _, label in swapped]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), unique=True, max_size=25), min_size=1, max_size=6))
def test_any_sequence_of_keyed_lists_patches_to_the_same_dom_as_a_fresh_render(sequence):
    page = render(Rows, rows=[])
    for keys in sequence:
        rows = [(key, f"v{key}-{len(keys)}") for key in keys]
        page.instance.rows = rows
        page.instance.state_has_changed()
        page.flush()
        assert page.markup == render(Rows, rows=rows).markup
        assert len(page.dom.nodes) == len(render(Rows, rows=rows).dom.nodes)  # nothing left behind


# --- what the browser must not be made to do (issue 17) -----------------------------------------

from jsinterop.components.elements import HTML_NAMESPACE, MATHML_NAMESPACE, SVG_NAMESPACE  # noqa: E402
from jsinterop.testing.fakedom import FakeDom  # noqa: E402
from jsinterop.errors import InvalidCharacterError, MarkupError, UnsafeURLWarning  # noqa: E402


def static(node):
    """A component class that renders ``node``."""
    return type("Static", (Component,), {"render": lambda self: node})


@pytest.mark.parametrize(("build", "tag", "attribute"), [
    (lambda: h.script(src="./same-origin.js"), "script", None),
    (lambda: h.script("alert(1)"), "script", None),
    (lambda: h("SCRIPT"), "SCRIPT", None),
    (lambda: h.svg(h.script(href="./x.js")), "script", None),
    (lambda: h("svg:script"), "svg:script", None),
    (lambda: h.base(href="http://127.0.0.1:9/"), "base", None),
    (lambda: h.meta(http_equiv="refresh", content="0;url=http://127.0.0.1:9/"), "meta", "http-equiv"),
    (lambda: h.meta(**{"HTTP-EQUIV": "refresh"}), "meta", "HTTP-EQUIV"),
    (lambda: h.iframe(srcdoc="<script>parent.pwned = 1</script>"), "iframe", "srcdoc"),
    (lambda: h.object(data="./page.html"), "object", "data"),
    (lambda: h.embed(src="./page.html"), "embed", "src"),
    (lambda: h.svg(h.a(h.animate(attributeName="href", to="javascript:alert(1)"))), "animate", "attributeName"),
    (lambda: h.set(attributeName=" xlink:HREF ", to="javascript:alert(1)"), "set", "attributeName"),
])
def test_the_builder_refuses_markup_that_runs_script_or_sends_the_page_elsewhere(build, tag, attribute):
    with pytest.raises(MarkupError, match=f"<{tag}>") as caught:
        build()
    assert isinstance(caught.value, ValueError)
    assert (caught.value.tag, caught.value.attribute) == (tag, attribute)
    if attribute is not None:
        assert f"'{attribute}'" in str(caught.value)


def test_the_builder_allows_their_harmless_forms():
    assert h.meta(name="description", content="x").attrs == {"name": "description", "content": "x"}
    assert h.iframe(src="./page.html").attrs == {"src": "./page.html"}
    assert h.object(type="image/svg+xml").tag == "object"
    assert h.embed(type="image/svg+xml").tag == "embed"
    assert h.animate(attributeName="r", to="5").attrs == {"attributeName": "r", "to": "5"}
    assert h.set(attributeName="fill", to="red").tag == "set"


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVa\tScRiPt:alert(1)", "\x00\x1fjavascript:alert(1)",
                                 "java\nscript:alert(1)", "JAVASCRIPT:void(0)", "javascript\r:alert(1) "])
@pytest.mark.parametrize(("tag", "name", "keyword"), [
    ("a", "href", "href"), ("img", "src", "src"), ("form", "action", "action"),
    ("button", "formaction", "formaction"), ("a", "xlink:href", "xlink_href"), ("a", "xlink:href", "xlink:href"),
    ("a", "HREF", "HREF"),
])
def test_javascript_urls_are_dropped_with_a_warning_in_debug_mode(url, tag, name, keyword):
    node = h(tag, "x", id="target", **{keyword: url})
    assert name not in node.attrs and node.attrs == {"id": "target"}
    with pytest.warns(UnsafeURLWarning, match=f"dropped {name}=.* on <{tag}>: a javascript: URL runs code"):
        page = render(static(h(tag, "x", id="target", **{keyword: url})), debug=True)
    assert page.find("#target").attrs == {"id": "target"}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning outside debug mode
        page = render(static(h(tag, "x", id="target", **{keyword: url})))
    assert page.find("#target").attrs == {"id": "target"}


def test_urls_that_only_look_like_javascript_are_kept():
    for url in ["./javascript:x", "javascript-guide.html", "/javascript/", "https://example.org/?javascript:",
                "jav ascript:alert(1)"]:
        assert h.a("x", href=url).attrs == {"href": url}


def test_a_link_rerendered_with_a_javascript_url_loses_its_href():
    class Link(Component):
        url = "./safe"

        def render(self):
            return h.a("link", href=self.url, id="link")

    page = render(Link)
    assert page.find("#link").attrs == {"href": "./safe", "id": "link"}
    page.instance.url = " javascript:alert(1)"
    page.instance.state_has_changed()
    page.flush()
    assert page.find("#link").attrs == {"id": "link"}


def test_svg_and_mathml_children_are_created_in_their_namespace():
    class Drawing(Component):
        def render(self):
            return h.div(
                h.svg(h.circle(cx="5", cy="5", r="4", id="dot"), h.component(Square),
                      h.foreignObject(h.p("html again", id="inside"), width="10", height="10"),
                      viewBox="0 0 10 10", id="drawing"),
                h.math(h.mi("x", id="x"), h.mtext(h.span("text", id="span"))),
                h.p("plain", viewBox="kept as the DOM keeps it", id="plain"))

    class Square(Component):
        def render(self):
            return h.rect(width="2", height="2", id="square")

    page = render(Drawing)
    namespaces = {node.attrs.get("id", node.tag): node.namespace for node in page.dom.container.walk()[1:]
                  if node.tag is not None}
    assert namespaces == {"div": HTML_NAMESPACE, "drawing": SVG_NAMESPACE, "dot": SVG_NAMESPACE,
                          "square": SVG_NAMESPACE, "foreignObject": SVG_NAMESPACE, "inside": HTML_NAMESPACE,
                          "math": MATHML_NAMESPACE, "x": MATHML_NAMESPACE, "mtext": MATHML_NAMESPACE,
                          "span": HTML_NAMESPACE, "plain": HTML_NAMESPACE}
    assert page.find("#drawing").attrs["viewBox"] == "0 0 10 10"  # an SVG attribute keeps its case
    assert page.find("#plain").attrs == {"viewbox": "kept as the DOM keeps it", "id": "plain"}  # HTML lowercases
    assert ("element", page.find("#dot").node.id, "circle", SVG_NAMESPACE) in page.dom.applied


def test_a_component_re_rendered_inside_svg_stays_in_svg():
    class Shape(Component):
        round = True

        def render(self):
            return h.circle(r="1", id="shape") if self.round else h.rect(width="1", id="shape")

    class Picture(Component):
        def render(self):
            return h.svg(h.g(h.component(Shape)))

    page = render(Picture)
    shape = page.renderer.root.root.children[0].children[0].instance
    shape.round = False
    shape.state_has_changed()
    page.flush()
    assert page.find("#shape").node.tag == "rect" and page.find("#shape").node.namespace == SVG_NAMESPACE


def test_the_fake_dom_refuses_names_the_dom_refuses():
    dom = FakeDom()
    for op in [("element", 1, " bad"), ("element", 1, ""), ("element", 1, "a:b:c", SVG_NAMESPACE)]:
        with pytest.raises(InvalidCharacterError, match="is not a valid"):
            dom.apply([op])
    dom.apply([("element", 2, "div")])
    for name in [" bad name", "a=b", "", "x>"]:
        with pytest.raises(InvalidCharacterError, match=f"'{name}' is not a valid attribute name"):
            dom.apply([("set_attr", 2, name, "1")])


@pytest.mark.parametrize("name", [" bad name", "a=b", "", "x>", "1x", "a b"])
def test_the_builder_refuses_names_the_dom_refuses(name):
    with pytest.raises(MarkupError, match=f"'{name}' is not a valid attribute name"):
        h.div(**{name: "1"})
    with pytest.raises(MarkupError, match=f"'{name}' is not a valid element name"):
        h(name)


def test_a_name_the_dom_refuses_in_a_re_render_shows_the_error_boundary():
    class Sloppy(Component):
        attrs = {"title": "fine"}

        def render(self):
            return h.div(h.button("break", on_click=self.spoil), **self.attrs)

        def spoil(self) -> None:
            self.attrs = {" bad name": "1"}

    page = render(static(h.div(h.component(Sloppy), h.component(Fine))))
    page.find("button").click()
    boundary = page.find(".jsinterop-error-boundary")
    assert "An error occurred in Sloppy." in boundary.text
    assert "MarkupError: ' bad name' is not a valid attribute name" in boundary.text
    assert page.find("p.fine").text == "still here"


# --- the DOM seam (components/dom.py) shared by the renderer, the page's patcher and the fake DOM --

import dataclasses  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from jsinterop.components import dom  # noqa: E402

DOM_PATCHER = Path(__file__).resolve().parents[2] / "loader" / "dom-patcher.mjs"


def test_the_page_patcher_applies_exactly_the_operations_of_the_dom_table():
    source = DOM_PATCHER.read_text()
    applied = set(re.findall(r'^\s*case "(\w+)":', source, re.MULTILINE))
    assert applied == set(dom.OPERATIONS)
    assert re.search(rf"^export const CONTAINER_ID = {dom.CONTAINER_ID};$", source, re.MULTILINE)
    summary = re.search(r"function summarize\(event\) \{.*?return \{(.*?)\};", source, re.DOTALL)
    assert summary is not None
    sent = re.findall(r"^\s*(\w+):", summary.group(1), re.MULTILINE)
    assert sent == [field.name for field in dataclasses.fields(dom.EventArgs)]


def test_the_fake_dom_applies_exactly_the_operations_of_the_dom_table():
    fake = FakeDom()
    root = dom.CONTAINER_ID
    fake.apply([(dom.ELEMENT, 1, "p"), (dom.ELEMENT, 2, "svg", SVG_NAMESPACE), (dom.TEXT, 3, "a"),
                (dom.INSERT, root, 1, None), (dom.INSERT, 1, 3, None), (dom.INSERT, root, 2, 1),
                (dom.SET_TEXT, 3, "b"), (dom.SET_ATTR, 1, "title", "t"), (dom.SET_ATTR, 1, "lang", "en"),
                (dom.REMOVE_ATTR, 1, "lang"), (dom.LISTEN, 1, "click"), (dom.LISTEN, 1, "input"),
                (dom.UNLISTEN, 1, "input"), (dom.EVENT_OPTIONS, 1, "click", True, False),
                (dom.EVENT_OPTIONS, 1, "submit", False, True), (dom.EVENT_OPTIONS, 1, "submit", False, False),
                (dom.REMOVE, 2)])
    assert {op[0] for op in fake.applied} == set(dom.OPERATIONS)
    assert fake.container is fake.nodes[root]
    assert [c.markup() for c in fake.container.children] == ['<p title="t">b</p>']
    assert fake.nodes[1].listeners == {"click"} and 2 not in fake.nodes
    assert fake.nodes[1].event_options == {"click": (True, False)}
    with pytest.raises(ValueError, match="unknown DOM operation"):
        fake.apply([("replace", 1)])


def test_the_fake_dom_keeps_its_old_module_path_and_event_args_their_old_names():
    import jsinterop.components
    import jsinterop.components.fakedom as old
    import jsinterop.testing.fakedom as moved

    assert old is moved
    assert old.FakeDom is FakeDom
    assert jsinterop.components.EventArgs is dom.EventArgs is EventArgs is old.EventArgs


def test_component_modules_reach_the_loader_only_from_browser_py_and_never_import_testing():
    components = Path(dom.__file__).parent
    for module in sorted(components.glob("*.py")):
        source = module.read_text()
        if module.name != "browser.py":
            assert not re.search(r"\bjs\.Py\b|^\s*import js\b", source, re.MULTILINE), module.name
        if module.name != "fakedom.py":  # the shim: kept for old imports
            assert "testing" not in re.findall(r"^\s*from \.\.(\w+)", source, re.MULTILINE), module.name


@js_import("getMessage", "main.js")
def get_message(name: str) -> str:
    ...


@js_import("globalThis.console.log")
def console_log(values: list[str]) -> None:
    ...


class Greeter(Component):
    """Loads its JS module and calls typed imports in a lifecycle method and in a handler."""

    def on_initialized(self) -> None:
        self.message = "…"

    async def on_initialized_async(self) -> None:
        await load_js_module("main.js", "./main.js")
        self.message = get_message("Ada")

    def greet(self) -> None:
        console_log([self.message])

    def render(self):
        return h.div(h.p(self.message), h.button("Greet", on_click=self.greet))


def test_a_component_calling_js_import_stubs_renders_under_the_fake():
    fake = FakeJSRuntime()
    fake.setup_module("./main.js")
    fake.setup_import("getMessage", "Ada", module="main.js", returns="Hello, Ada")
    fake.setup_import("globalThis.console.log", ANY)

    async def scenario():
        page = render(Greeter, js=fake)
        await page.settle()
        page.find("button").click()
        return page

    page = asyncio.run(scenario())
    assert page.find_all(".jsinterop-error-boundary") == []
    assert page.find("p").text == "Hello, Ada"
    assert [(i.identifier, i.args) for i in fake.invocations] == [
        ("import", ["./main.js"]), ("getMessage", ["Ada"]), ("globalThis.console.log", [["Hello, Ada"]])]
    page.dispose()  # the fake serves typed imports until the rendered component is disposed
    with pytest.raises(JSModuleNotLoadedError):
        get_message("Ada")


def test_render_with_the_default_fake_refuses_an_unplanned_import():
    async def scenario():
        page = render(Greeter)
        await page.settle()
        return page

    page = asyncio.run(scenario())
    assert "No setup for the JS call 'import'" in page.find(".jsinterop-error-boundary").text
    page.dispose()


# --- forms: prevent_default= / stop_propagation= (Blazor's @onsubmit:preventDefault) and submit buttons --

class AddItem(Component):
    """The expenses form: a field and a submit button; submitting adds the draft and must not reload."""

    def on_initialized(self) -> None:
        self.items: list[str] = []
        self.draft = ""
        self.clicks = 0

    def edit(self, e: EventArgs) -> None:
        self.draft = e.value

    def add(self) -> None:
        self.items.append(self.draft)

    def count(self) -> None:
        self.clicks += 1

    def render(self):
        return h.div(h.form(h.input(on_input=self.edit, id="draft"), h.button(h.span("Add"), id="add"),
                            h.button("Count", type="button", on_click=self.count, id="count"),
                            on_submit=self.add, prevent_default="submit", id="form"),
                     h.ul([h.li(item) for item in self.items]))


def test_clicking_a_submit_button_submits_its_form_and_prevent_default_is_recorded():
    page = render(AddItem)
    page.find("#draft").input("milk")
    clicked = page.find("#add").click()
    assert page.find("ul").markup == "<ul><li>milk</li></ul>"
    assert clicked.default_prevented is False and clicked.delivered == []
    submitted = clicked.caused
    assert submitted is not None and submitted.type == "submit" and submitted.default_prevented is True
    assert submitted.delivered == [page.find("#form").node.id]
    assert [event.type for event in page.dom.events] == ["input", "click", "submit"]
    assert page.find("span").click().caused is not None  # a click inside the button is the button's
    assert len(page.instance.items) == 2
    assert page.find("#form").submit().default_prevented  # Enter in a field
    assert len(page.instance.items) == 3
    # The options are not attributes: nothing of them reaches the DOM as one.
    assert 'prevent' not in page.markup and "prevent-default" not in page.find("#form").attrs


def test_buttons_that_do_not_submit_and_a_prevented_click_leave_the_form_alone():
    page = render(AddItem)
    assert page.find("#count").click().caused is None  # type=button
    assert page.instance.clicks == 1 and page.instance.items == []

    class Guarded(Component):
        submitted = 0

        def submit(self) -> None:
            self.submitted += 1

        def render(self):
            return h.form(h.div(h.input(type="submit", id="go"), h.button("Reset", type="reset", id="reset"),
                                on_click=lambda: None, prevent_default=("click",)),
                          h.input(type="submit", id="plain", disabled=True), on_submit=self.submit)

    guarded = render(Guarded)
    assert guarded.find("#go").click().default_prevented and guarded.instance.submitted == 0
    assert guarded.find("#reset").click().caused is None
    with pytest.raises(AssertionError, match="<input> has no 'click' handler"):
        guarded.find("#plain").click()  # disabled: no submit, and no handler got the click
    assert guarded.instance.submitted == 0


def test_stop_propagation_stops_the_event_bubbling_to_the_ancestors_handlers():
    seen: list[str] = []

    class Nested(Component):
        stop = True

        def render(self):
            inner = h.button("in", on_click=lambda: seen.append("button"), type="button",
                             stop_propagation="click" if self.stop else None)
            return h.div(h.p(inner, on_click=lambda: seen.append("p")), on_click=lambda: seen.append("div"))

    page = render(Nested)
    event = page.find("button").click()
    assert seen == ["button"] and event.propagation_stopped and not event.default_prevented
    page.instance.stop = False  # a re-render takes the option away
    page.instance.state_has_changed()
    page.flush()
    seen.clear()
    assert not page.find("button").click().propagation_stopped
    assert seen == ["button", "p", "div"]  # events bubble, as in the browser


def test_prevent_default_without_a_handler_and_on_several_events():
    node = h.a("x", href="/elsewhere", prevent_default=["click", "key_down"], stop_propagation="click")
    assert node.event_options == {"click": (True, True), "keydown": (True, False)}
    assert node.attrs == {"href": "/elsewhere"} and node.events == {}
    page = render(static(h.div(node)))
    link = page.find("a").node
    assert link.event_options == node.event_options and link.listeners == set()
    assert (dom.EVENT_OPTIONS, link.id, "click", True, True) in page.dom.applied
    assert page.dom.dispatch(link.id, "click", lambda *_: None).default_prevented


@pytest.mark.parametrize("value", [1, "", [], ["submit", ""], ["submit", 2], {"submit"}, "sub mit", b"submit"])
@pytest.mark.parametrize("option", ["prevent_default", "stop_propagation"])
def test_a_bad_event_option_is_refused_naming_the_tag_and_the_option(option, value):
    with pytest.raises(MarkupError, match=f"{option} on <form>") as caught:
        h.form(on_submit=lambda: None, **{option: value})
    assert caught.value.tag == "form" and caught.value.attribute == option
