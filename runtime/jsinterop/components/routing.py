"""Client-side routing: ``@page("/item/{id:int}")`` registers a component for a path, and
:class:`Router` renders the one matching the current location (or a NotFound component).

Paths are relative to the document's base URI, so a site deployed under ``/some/prefix/`` routes
``/some/prefix/counter`` to ``@page("/counter")`` with no rebuild. In the browser
(:mod:`jsinterop.components.browser`), same-origin links are intercepted and the History API changes
the URL without reloading the page.

``@page("/chart", packages=["chart-lib"])`` installs packages the build shipped but boot left out
(an app's ``[tool.jsinterop] lazy``, :func:`jsinterop.load_packages`) before the page first renders:
:class:`PackageGate` shows a loading state until they are installed, or an error naming the package.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..errors import PackageLoadError
from ..interop.runtime import JSRuntime
from ..packages import load_packages
from .component import Component, inject
from .elements import Node, h

__all__ = ["NavigationManager", "NotFound", "PackageGate", "Route", "Router", "match_route", "page", "routes"]

_CONVERTERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "int": (r"-?\d+", int),
    "float": (r"-?\d+(?:\.\d+)?", float),
    "bool": (r"true|false", lambda s: s == "true"),
    "str": (r"[^/]+", str),
}
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_PageClass = TypeVar("_PageClass", bound=type[Component])


@dataclasses.dataclass(frozen=True)
class Route:
    """A route template, the component it renders, and the packages it installs first."""

    template: str
    component: type[Component]
    pattern: re.Pattern[str]
    converters: dict[str, Callable[[str], Any]]
    packages: tuple[str, ...] = ()


_routes: list[Route] = []


def _compile(template: str) -> tuple[re.Pattern[str], dict[str, Callable[[str], Any]]]:
    if not template.startswith("/"):
        raise ValueError(f"a route template must start with '/', got {template!r}")
    converters: dict[str, Callable[[str], Any]] = {}
    regex = ""
    position = 0
    for m in _PARAM.finditer(template):
        regex += re.escape(template[position:m.start()])
        name, kind = m.group(1), m.group(2) or "str"
        if kind not in _CONVERTERS:
            raise ValueError(f"route {template!r}: unknown constraint '{kind}' (use one of {', '.join(_CONVERTERS)})")
        pattern, convert = _CONVERTERS[kind]
        regex += f"(?P<{name}>{pattern})"
        converters[name] = convert
        position = m.end()
    regex += re.escape(template[position:])
    return re.compile(f"^{regex.rstrip('/') or ''}/?$"), converters


def _same_definition(old: type, new: type) -> bool:
    """Whether ``new`` is ``old`` defined again: the same class of the same module, imported anew (live
    reload re-imports an app's modules, whose pages then register again)."""
    return (old.__module__, old.__qualname__) == (new.__module__, new.__qualname__)


def page(template: str, packages: Iterable[str] = ()) -> Callable[[_PageClass], _PageClass]:
    """Register a component as the page for ``template`` (``"/counter"``, ``"/item/{id:int}"``).

    ``packages`` are Python packages the build shipped but boot left out (an app's lazy ones): the
    router installs them (:func:`jsinterop.load_packages`) before the page first renders."""
    pattern, converters = _compile(template)
    if isinstance(packages, str):
        raise TypeError(f"@page({template!r}, packages=...) takes a list of package names, not the string "
                        f"{packages!r}")
    needed = tuple(packages)
    if not all(isinstance(name, str) and name for name in needed):
        raise TypeError(f"@page({template!r}, packages=...): every package name must be a non-empty str, got {needed!r}")

    def register(cls: _PageClass) -> _PageClass:
        if not (isinstance(cls, type) and issubclass(cls, Component)):
            raise TypeError(f"@page({template!r}) applies to Component classes, not {cls!r}")
        route = Route(template, cls, pattern, converters, needed)
        for i, existing in enumerate(_routes):
            if existing.template != template:
                continue
            if existing.component is not cls and not _same_definition(existing.component, cls):
                raise ValueError(f"The route {template!r} is already the page of {existing.component.__name__}.")
            _routes[i] = route  # the same page again, or its module imported again (live reload)
            return cls
        _routes.append(route)
        return cls

    return register


def routes() -> list[Route]:
    """The registered routes, in registration order."""
    return list(_routes)


def match_route(path: str) -> tuple[Route, dict[str, Any]] | None:
    """The route for ``path`` (without query or fragment) and its converted parameters, or None."""
    path = "/" + path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    for route in _routes:
        m = route.pattern.match(path)
        if m:
            return route, {name: route.converters[name](value) for name, value in m.groupdict().items()}
    return None


class NavigationManager:
    """The current location, relative to the base URI, and navigation (Blazor's NavigationManager).

    This base class keeps the location in memory (tests, CPython); the page's subclass
    (:class:`jsinterop.components.browser.BrowserNavigationManager`) uses the History API.
    """

    def __init__(self, path: str = "/") -> None:
        self.path = _normalize(path)
        self._listeners: list[Callable[[str], None]] = []

    def navigate_to(self, path: str) -> None:
        """Go to ``path`` (relative to the base URI) without reloading the page."""
        self._set(path)

    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(path)`` after each navigation; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set(self, path: str) -> None:
        self.path = _normalize(path)
        for listener in list(self._listeners):
            listener(self.path)


def _normalize(path: str) -> str:
    """``"counter"`` -> ``"/counter"``; the site's entry page (``/index.html``) is ``/``."""
    path = "/" + path.lstrip("/")
    return "/" if path == "/index.html" else path


class NotFound(Component):
    """What the router shows for an unknown path."""

    path: str = "/"

    def render(self) -> Node:
        return h.div(h.h1("Not found"), h.p(f"There is nothing at {self.path}."), h.a("Home", href="./"),
                     class_="not-found")


class Router(Component):
    """Renders the page component registered for the current path, or ``not_found``."""

    navigation: NavigationManager = inject()
    not_found: type[Component] = NotFound

    def on_initialized(self) -> None:
        self._unsubscribe = self.navigation.subscribe(lambda _path: self.state_has_changed())

    def dispose(self) -> None:
        self._unsubscribe()

    def render(self) -> Node:
        found = match_route(self.navigation.path)
        if found is None:
            return h.component(self.not_found, path=self.navigation.path)
        route, params = found
        if route.packages:
            return h.component(PackageGate, key=route.template, packages=route.packages, page=route.component,
                               params=params)
        return h.component(route.component, key=route.template, **params)


_installed: set[tuple[str, ...]] = set()
"""The ``packages`` of routes already installed in this page: their pages render at once."""


class PackageGate(Component):
    """Renders ``page`` (with ``params``) once ``packages`` are installed (:func:`jsinterop.load_packages`);
    until then a loading state (``.jsinterop-packages-loading``), and if they fail, an error naming the
    package (``.jsinterop-packages-failed``). The router puts it in front of a page with ``packages``."""

    js: JSRuntime = inject()
    packages: tuple[str, ...] = ()
    page: type[Component] | None = None
    params: dict[str, Any] | None = None

    def on_initialized(self) -> None:
        self.error: PackageLoadError | None = None
        self.ready = self.packages in _installed

    async def on_initialized_async(self) -> None:
        if self.ready:
            return
        try:
            await load_packages(self.packages, self.js)
        except PackageLoadError as e:
            self.error = e
            return
        _installed.add(self.packages)
        self.ready = True

    def render(self):
        if self.error is not None:
            return h.div(h.strong(f"The page could not load {', '.join(self.packages)}."), h.p(str(self.error)),
                         class_="jsinterop-packages-failed", role="alert")
        if not self.ready:
            return h.div(f"Loading {', '.join(self.packages)}...", class_="jsinterop-packages-loading",
                         role="status", aria_busy="true")
        return h.component(self.page, **(self.params or {}))
