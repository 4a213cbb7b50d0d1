"""The component model: Blazor's ``ComponentBase`` lifecycle, for Python.

A component subclasses :class:`Component`, implements :meth:`render`, and may override the lifecycle
methods, called in Blazor's order: ``on_initialized[_async]`` once, ``on_parameters_set[_async]`` each
time its parent gives it parameters, ``on_after_render[_async](first_render)`` after each render,
and ``dispose[_async]`` when it leaves the tree. ``state_has_changed()`` schedules a re-render (batched);
an event handler re-renders its component automatically after it runs.
"""

from __future__ import annotations

from typing import Any

from ..interop.references import WireReference
from ..interop.runtime import JSRuntime
from ..page import js_runtime
from .elements import Node

__all__ = ["Component", "ElementReference", "InjectedField", "collocated_module_url", "inject"]


def collocated_module_url(module: str) -> str:
    """The URL (relative to the base URI) of the JS module collocated with a Python module."""
    return "./" + module.replace(".", "/") + ".js"


class InjectedField:
    """The default of a field that the renderer fills from its services, by the field's annotation."""

    def __repr__(self) -> str:
        return "inject()"


def inject() -> Any:
    """Mark a component field for dependency injection: ``js: JSRuntime = inject()``."""
    return InjectedField()


class ElementReference(WireReference):
    """A reference to an element a component rendered (``h.input(ref=self.input_ref)``).

    Passed to a JS call (``invoke``, or a ``@js_import`` parameter annotated ``ElementReference``) it
    arrives as the DOM element (once the browser renderer is attached).
    """

    __slots__ = ("node_id",)

    def __init__(self) -> None:
        self.node_id: int | None = None

    def rendered_id(self) -> int:
        """The node id of the rendered element; a clear ValueError before the first render."""
        if self.node_id is None:
            raise ValueError("This ElementReference has not been rendered yet: use it after the first render "
                             "(on_after_render)")
        return self.node_id

    def __repr__(self) -> str:
        return f"<ElementReference {self.node_id if self.node_id is not None else '(not rendered)'}>"


class Component:
    """Base class of components. Parameters arrive as attributes before ``on_parameters_set``."""

    _renderer = None  # set by the Renderer that mounts it (not annotated: keeps subclasses' hints resolvable)

    def render(self) -> Node:
        """The component's content: one element (or text, or child component) built with ``h``."""
        raise NotImplementedError(f"{type(self).__name__} must implement render()")

    # --- lifecycle, in Blazor's order ----------------------------------------------------------

    def on_initialized(self) -> None:
        """Once, before the first render."""

    async def on_initialized_async(self) -> None:
        """Once, before the first render completes; the component renders again when it finishes."""

    def on_parameters_set(self) -> None:
        """After parameters are set (first time and each time the parent re-renders)."""

    async def on_parameters_set_async(self) -> None:
        """The asynchronous counterpart of :meth:`on_parameters_set`."""

    def on_after_render(self, first_render: bool) -> None:
        """After each render has reached the DOM."""

    async def on_after_render_async(self, first_render: bool) -> None:
        """The asynchronous counterpart of :meth:`on_after_render`."""

    def dispose(self) -> None:
        """When the component leaves the tree."""

    async def dispose_async(self) -> None:
        """The asynchronous counterpart of :meth:`dispose` (``IAsyncDisposable``)."""

    # --- collocated JavaScript ------------------------------------------------------------------

    async def import_js(self) -> Any:
        """Import the JS module next to this component's Python module (Blazor's collocated
        ``Component.razor.js``): ``app/alert_user.py`` -> ``./app/alert_user.js`` (the build copies it).

        Returns a :class:`~jsinterop.JSObjectReference`; dispose it in ``dispose_async``.
        """
        runtime = getattr(self, "js", None)
        runtime = runtime if isinstance(runtime, JSRuntime) else js_runtime()
        return await runtime.import_module(collocated_module_url(type(self).__module__))

    # --- re-rendering --------------------------------------------------------------------------

    def should_render(self) -> bool:
        """Whether to render again (Blazor's ``ShouldRender``): asked before every render but the
        first, whether it comes from ``state_has_changed``, an event handler or new parameters.
        Override it to skip renders that would change nothing."""
        return True

    def state_has_changed(self) -> None:
        """Schedule a re-render of this component, batched: in the page every change until the next
        animation frame renders once (a hidden page renders on a timer instead); on CPython, on the
        next turn of the event loop or the next ``flush()``."""
        if self._renderer is not None:
            self._renderer.invalidate(self)
