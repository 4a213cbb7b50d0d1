"""The renderer: mounts components, diffs their element trees, and patches the DOM with the fewest
operations (keyed children keep their nodes, so focus and input values survive re-renders).

It is abstract over a :class:`~jsinterop.components.dom.DomBackend` that applies a batch of
operations (tuples, applied in order, one batch per flush; :data:`~jsinterop.components.dom.OPERATIONS`
lists them): the page's DOM in the browser, or :class:`~jsinterop.testing.fakedom.FakeDom` on CPython
for unit tests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import decimal
import enum
import inspect
import itertools
import traceback
import types
import typing
import uuid
import warnings
from collections.abc import Callable
from typing import Any

from ..errors import UnsafeURLWarning
from .component import Component, ElementReference, InjectedField
from .dom import (ELEMENT, EVENT_OPTIONS, INSERT, LISTEN, REMOVE, REMOVE_ATTR, SET_ATTR, SET_TEXT, TEXT, UNLISTEN,
                  DomBackend, Op)
from .elements import (HTML_NAMESPACE, ComponentNode, Element, EventOptions, Node, Text, children_namespace,
                       element_namespace, h)

__all__ = ["Renderer"]


class _Mounted:
    """A node of the tree as it is in the DOM."""

    __slots__ = ("id", "vnode", "key", "children", "handlers", "owner", "namespace")

    def __init__(self, node_id: int, vnode: Element | Text, owner: Component | None,
                 namespace: str = HTML_NAMESPACE) -> None:
        self.id = node_id
        self.vnode = vnode
        self.key = vnode.key
        self.children: list[_Mounted | _MountedComponent] = []
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.owner = owner
        self.namespace = namespace
        """The namespace its children are created in."""

    @property
    def dom_id(self) -> int:
        return self.id


@dataclasses.dataclass(eq=False)
class _MountedComponent:
    """A child component in the tree: its instance and what it rendered."""

    instance: Component
    node: ComponentNode
    root: _Mounted | _MountedComponent | None = None
    rendered_once: bool = False
    namespace: str = HTML_NAMESPACE
    """The namespace its content is created in (SVG for a component inside an ``svg``)."""

    @property
    def key(self) -> Any:
        return self.node.key

    @property
    def dom_id(self) -> int:
        assert self.root is not None
        return self.root.dom_id


class Renderer:
    """Renders a root component into a container of a DOM backend."""

    def __init__(self, backend: DomBackend, services: dict[type, Any] | None = None, detailed_errors: bool = False,
                 schedule: Callable[[Callable[[], None]], None] | None = None, debug: bool = False) -> None:
        self.backend = backend
        self.services = dict(services or {})
        self.detailed_errors = detailed_errors
        self.debug = debug
        """Debug mode (``boot({debug: true})``): what ``h`` dropped is reported as an :class:`UnsafeURLWarning`."""
        self._ids = itertools.count(1)
        self._ops: list[Op] = []
        self._listeners: dict[tuple[int, str], _Mounted] = {}
        self._dirty: list[_MountedComponent] = []
        self._flush_scheduled = False
        self._schedule = schedule or _call_soon
        self._mounted: dict[int, _MountedComponent] = {}  # id(instance) -> mount
        self._container: int | None = None
        self.root: _MountedComponent | None = None
        self._after_render: list[tuple[Component, bool]] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._parent_of: dict[int, int] = {}  # each inserted node's parent, as the operations leave the DOM
        self._failed: dict[int, BaseException] = {}  # id(instance) -> the error its boundary shows
        self.errors: list[BaseException] = []
        """Errors that happened where no error boundary could show them (dispose)."""

    # --- entry points --------------------------------------------------------------------------

    def mount(self, component: type[Component], container_id: int, **params: Any) -> Component:
        """Render ``component`` as the content of the container element ``container_id``."""
        self._container = container_id
        self.root = self._mount_component(ComponentNode(component, params), container_id, None)
        self._commit()
        return self.root.instance

    def invalidate(self, instance: Component) -> None:
        """Schedule a re-render of ``instance`` (batched)."""
        mount = self._mounted.get(id(instance))
        if mount is None or mount in self._dirty:
            return
        self._dirty.append(mount)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._schedule(self.flush)

    def flush(self) -> None:
        """Re-render every component whose state changed, in one batch of operations."""
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, []
        for mount in dirty:
            if id(mount.instance) in self._mounted:
                self._rerender(mount)
        self._commit()

    def dispatch_event(self, node_id: int, event: str, details: Any = None) -> None:
        """Run the handler of ``event`` on element ``node_id``, then re-render its component."""
        mounted = self._listeners.get((node_id, event))
        if mounted is None:
            return
        handler = mounted.handlers.get(event)
        owner = mounted.owner
        if handler is None:
            return
        try:
            result = _call_handler(handler, details)
        except Exception as e:
            self._fail(owner, e)
            self.flush()
            return
        if inspect.isawaitable(result):
            async def finish() -> None:
                try:
                    await result
                except Exception as e:
                    self._fail(owner, e)
                if owner is not None:
                    self.invalidate(owner)
            self._spawn(finish())
        if owner is not None:
            self.invalidate(owner)
        self.flush()

    async def settle(self) -> None:
        """Wait until every pending async lifecycle method and handler has finished and rendered."""
        while self._tasks or self._dirty:
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            self.flush()
            await asyncio.sleep(0)

    def unmount(self) -> None:
        """Remove the root component (disposing every component)."""
        if self.root is not None:
            self._remove(self.root)
            self.root = None
            self._commit()

    # --- components ----------------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _mount_component(self, node: ComponentNode, parent_id: int, before: int | None | object,
                         namespace: str = HTML_NAMESPACE) -> _MountedComponent:
        instance = node.component()
        if not isinstance(instance, Component):
            raise TypeError(f"{node.component.__name__} is not a Component")
        instance._renderer = self
        self._inject(instance)
        mount = _MountedComponent(instance, node, namespace=namespace)
        self._mounted[id(instance)] = mount
        self._set_params(instance, node.params)
        try:
            instance.on_initialized()
            self._after_async(mount, _maybe(instance, "on_initialized_async"))
            instance.on_parameters_set()
            self._after_async(mount, _maybe(instance, "on_parameters_set_async"))
            content = self._render_of(instance)
        except Exception as e:
            content = self._boundary(instance, e)
        mount.root = self._create(content, parent_id, before, instance, namespace)
        self._after_render.append((instance, True))
        mount.rendered_once = True
        return mount

    def _after_async(self, mount: _MountedComponent, awaitable: Any) -> None:
        if awaitable is None:
            return

        async def run() -> None:
            try:
                await awaitable
            except Exception as e:
                self._fail(mount.instance, e)
                return
            self.invalidate(mount.instance)

        self._spawn(run())

    def _inject(self, instance: Component) -> None:
        cls = type(instance)
        wanted = _INJECTED.get(cls)
        if wanted is None:
            wanted = _INJECTED[cls] = [name for name in dir(cls) if isinstance(getattr(cls, name, None), InjectedField)]
        if not wanted:
            return
        try:
            hints = typing.get_type_hints(cls)
        except Exception as e:
            raise TypeError(f"{cls.__name__}: the annotations of its inject() fields could not be resolved ({e})") from e
        for name in wanted:
            tp = hints.get(name)
            if tp not in self.services:
                raise LookupError(f"{cls.__name__}.{name}: no service of type {getattr(tp, '__name__', tp)} "
                                  "is registered with the renderer")
            setattr(instance, name, self.services[tp])

    @staticmethod
    def _set_params(instance: Component, params: dict[str, Any]) -> None:
        for name, value in params.items():
            setattr(instance, name, value)

    def _render_of(self, instance: Component) -> Node:
        error = self._failed.get(id(instance))
        if error is not None:
            return self._boundary(instance, error)
        content = instance.render()
        if not isinstance(content, (Element, Text, ComponentNode)):
            raise TypeError(f"{type(instance).__name__}.render() must return one element (built with h), "
                            f"got {type(content).__name__}")
        return content

    def _boundary(self, instance: Component | None, error: BaseException) -> Element:
        name = type(instance).__name__ if instance is not None else "the app"
        details = [h.pre("".join(traceback.format_exception(error)))] if self.detailed_errors else []
        return h.div(h.strong(f"An error occurred in {name}."), h.p(f"{type(error).__name__}: {error}"), *details,
                     class_="jsinterop-error-boundary", role="alert")

    def _report(self, instance: Component, error: BaseException) -> None:
        """An error with no place on screen (in dispose): kept for tests and logged."""
        self.errors.append(error)
        traceback.print_exception(error)

    def _fail(self, instance: Component | None, error: BaseException) -> None:
        """Show the error boundary in place of the component; the rest of the app keeps working."""
        mount = self._mounted.get(id(instance)) if instance is not None else None
        if mount is None or mount.root is None:
            return
        parent = self._parent_of[mount.root.dom_id]
        new_root = self._create(self._boundary(instance, error), parent, mount.root.dom_id, instance, mount.namespace)
        self._remove_dom(mount.root)
        mount.root = new_root
        self._failed[id(mount.instance)] = error  # it stays failed until it leaves the tree

    def _rerender(self, mount: _MountedComponent) -> None:
        instance = mount.instance
        try:
            if id(instance) not in self._failed and not instance.should_render():
                return
            content = self._render_of(instance)
        except Exception as e:
            content = self._boundary(instance, e)
        assert mount.root is not None
        parent = self._parent_of[mount.root.dom_id]
        mount.root = self._patch(mount.root, content, parent, instance, mount.namespace)
        self._after_render.append((instance, False))

    # --- the tree ------------------------------------------------------------------------------

    def _emit(self, op: Op) -> None:
        self._ops.append(op)

    def _insert(self, parent: int, child: int, before: int | None) -> None:
        self._ops.append((INSERT, parent, child, before))
        self._parent_of[child] = parent

    def _create(self, vnode: Node, parent: int, before: int | None | object,
                owner: Component | None, namespace: str = HTML_NAMESPACE) -> _Mounted | _MountedComponent:
        """Create ``vnode``'s nodes and insert them into ``parent`` (whose children are of ``namespace``)
        before ``before`` (None: at the end; ``_DETACHED``: not yet, the caller places it)."""
        if isinstance(vnode, ComponentNode):
            return self._mount_component(vnode, parent, before, namespace)
        node_id = next(self._ids)
        if isinstance(vnode, Text):
            self._emit((TEXT, node_id, vnode.value))
            mounted = _Mounted(node_id, vnode, owner=owner)
        else:
            tag = vnode.tag
            if namespace == HTML_NAMESPACE and tag != "svg" and tag != "math":
                self._emit((ELEMENT, node_id, tag))
                mounted = _Mounted(node_id, vnode, owner=owner)
            else:
                own = element_namespace(tag, namespace)
                self._emit((ELEMENT, node_id, tag) if own == HTML_NAMESPACE else (ELEMENT, node_id, tag, own))
                mounted = _Mounted(node_id, vnode, owner, children_namespace(tag, own))
            if vnode.dropped is not None and self.debug:
                self._warn_dropped(vnode)
            for name, value in vnode.attrs.items():
                self._emit((SET_ATTR, node_id, name, value))
            if vnode.event_options is not None:  # before the listeners: in the page, the options run first
                for event, (prevent, stop) in vnode.event_options.items():
                    self._emit((EVENT_OPTIONS, node_id, event, prevent, stop))
            for event, handler in vnode.events.items():
                mounted.handlers[event] = handler
                self._listeners[(node_id, event)] = mounted
                self._emit((LISTEN, node_id, event))
            for child in vnode.children:
                mounted.children.append(self._create(child, node_id, None, owner, mounted.namespace))
            if isinstance(vnode.ref, ElementReference):
                vnode.ref.node_id = node_id
        if before is not _DETACHED:
            self._insert(parent, node_id, before)  # type: ignore[arg-type]
        return mounted

    def _same_kind(self, old: _Mounted | _MountedComponent, new: Node) -> bool:
        if old.key != new.key:
            return False
        if type(old) is _MountedComponent:
            return type(new) is ComponentNode and new.component is old.node.component
        kind = type(old.vnode)
        if kind is Text:
            return type(new) is Text
        return type(new) is Element and new.tag == old.vnode.tag

    def _warn_dropped(self, vnode: Element) -> None:
        for name, value in vnode.dropped or ():
            shown = value if len(value) <= 60 else value[:57] + "..."
            warnings.warn(f"jsinterop: dropped {name}={shown!r} on <{vnode.tag}>: a javascript: URL runs code. "
                          "Handle the event in Python instead (on_click=...).", UnsafeURLWarning, stacklevel=2)

    def _patch(self, old: _Mounted | _MountedComponent, new: Node, parent: int,
               owner: Component | None, namespace: str = HTML_NAMESPACE) -> _Mounted | _MountedComponent:
        if not self._same_kind(old, new):
            before = old.dom_id
            created = self._create(new, parent, before, owner, namespace)
            self._remove(old)
            return created
        if type(old) is _MountedComponent:
            assert isinstance(new, ComponentNode)
            return self._patch_component(old, new)
        assert type(old) is _Mounted
        previous = old.vnode
        if type(new) is Text:
            if new.value != previous.value:
                self._emit((SET_TEXT, old.id, new.value))
            old.vnode = new
            return old
        assert type(new) is Element and type(previous) is Element
        if new.dropped is not None and self.debug:
            self._warn_dropped(new)
        if new.attrs != previous.attrs:
            # Removals first: an HTML element's attribute names are case-insensitive, so removing
            # ``viewBox`` after setting ``viewbox`` would remove the new one.
            for name in previous.attrs:
                if name not in new.attrs:
                    self._emit((REMOVE_ATTR, old.id, name))
            for name, value in new.attrs.items():
                if previous.attrs.get(name) != value:
                    self._emit((SET_ATTR, old.id, name, value))
        if new.event_options != previous.event_options:
            self._patch_event_options(old.id, previous.event_options or {}, new.event_options or {})
        if new.events or old.handlers:
            self._patch_events(old, new.events)
        old.owner = owner
        if new.ref is not None and isinstance(new.ref, ElementReference):
            new.ref.node_id = old.id
        if new.children or old.children:
            old.children = self._patch_children(old, new.children, owner)
        old.vnode = new
        return old

    def _patch_event_options(self, node_id: int, old: dict[str, EventOptions], new: dict[str, EventOptions]) -> None:
        for event in old:
            if event not in new:
                self._emit((EVENT_OPTIONS, node_id, event, False, False))
        for event, options in new.items():
            if old.get(event) != options:
                self._emit((EVENT_OPTIONS, node_id, event, *options))

    def _patch_events(self, old: _Mounted, events: dict[str, Callable[..., Any]]) -> None:
        if events.keys() != old.handlers.keys():
            for event in events:
                if event not in old.handlers:
                    self._listeners[(old.id, event)] = old
                    self._emit((LISTEN, old.id, event))
            for event in list(old.handlers):
                if event not in events:
                    del old.handlers[event]
                    self._listeners.pop((old.id, event), None)
                    self._emit((UNLISTEN, old.id, event))
        old.handlers.update(events)

    def _patch_component(self, old: _MountedComponent, new: ComponentNode) -> _MountedComponent:
        """New parameters for a child component: it re-renders unless none may have changed (Blazor's
        rule: every parameter is of a known immutable type and equal to its previous value) or its
        ``should_render()`` says no."""
        changed = _may_have_changed(old.node.params, new.params)
        old.node = new
        if not changed and id(old.instance) not in self._failed:
            return old
        self._set_params(old.instance, new.params)
        try:
            old.instance.on_parameters_set()
            self._after_async(old, _maybe(old.instance, "on_parameters_set_async"))
        except Exception as e:
            self._fail(old.instance, e)
            return old
        self._rerender(old)
        return old

    def _patch_children(self, parent: _Mounted, new_children: list[Node],
                        owner: Component | None) -> list[_Mounted | _MountedComponent]:
        old_children = parent.children
        result: list[_Mounted | _MountedComponent] = []
        namespace = parent.namespace
        if not old_children:
            for vnode in new_children:
                result.append(self._create(vnode, parent.id, None, owner, namespace))
            return result
        # Fast path: the same keys in the same order (most re-renders) need no matching and no moves.
        common = min(len(old_children), len(new_children))
        start = 0
        while start < common:
            old, vnode = old_children[start], new_children[start]
            if old.key != vnode.key or not self._same_kind(old, vnode):
                break
            result.append(self._patch(old, vnode, parent.id, owner, namespace))
            start += 1
        if start == len(old_children):
            for vnode in new_children[start:]:
                result.append(self._create(vnode, parent.id, None, owner, namespace))
            return result
        if start == len(new_children):
            for old in old_children[start:]:
                self._remove(old)
            return result
        # General case: match the rest by key (unkeyed by position), create, remove, then move.
        rest = old_children[start:]
        keyed = {c.key: c for c in rest if c.key is not None}
        unkeyed = [c for c in rest if c.key is None]
        used: set[int] = set()
        unkeyed_index = 0
        for vnode in new_children[start:]:
            match = None
            if vnode.key is not None:
                match = keyed.get(vnode.key)
            elif unkeyed_index < len(unkeyed):
                match = unkeyed[unkeyed_index]
                unkeyed_index += 1
            if match is not None and id(match) not in used and self._same_kind(match, vnode):
                used.add(id(match))
                result.append(self._patch(match, vnode, parent.id, owner, namespace))
            else:
                result.append(self._create(vnode, parent.id, _DETACHED, owner, namespace))
        old_position = {id(old): index for index, old in enumerate(rest) if id(old) in used}
        for old in rest:
            if id(old) not in used:
                self._remove(old)
        # Put the DOM in the new order: the longest run already in order stays, the rest is inserted
        # (new nodes) or moved, from the end so each goes before a node already in place.
        region = result[start:]
        keep = _longest_increasing(
            [old_position.get(id(child), -1) for child in region])
        anchor: int | None = None
        for index in range(len(region) - 1, -1, -1):
            dom_id = region[index].dom_id
            if index not in keep:
                self._insert(parent.id, dom_id, anchor)
            anchor = dom_id
        return result

    def _remove(self, node: _Mounted | _MountedComponent) -> None:
        self._dispose_tree(node)
        self._remove_dom(node)

    def _remove_dom(self, node: _Mounted | _MountedComponent) -> None:
        self._emit((REMOVE, node.dom_id))
        self._parent_of.pop(node.dom_id, None)
        self._forget(node)

    def _forget(self, node: _Mounted | _MountedComponent | None) -> None:
        if node is None:
            return
        if isinstance(node, _MountedComponent):
            self._forget(node.root)
            return
        for event in node.handlers:
            self._listeners.pop((node.id, event), None)
        for child in node.children:
            self._parent_of.pop(child.dom_id, None)
            self._forget(child)

    def _dispose_tree(self, node: _Mounted | _MountedComponent | None) -> None:
        if node is None:
            return
        if isinstance(node, _MountedComponent):
            self._dispose_tree(node.root)
            self._mounted.pop(id(node.instance), None)
            self._failed.pop(id(node.instance), None)
            try:
                node.instance.dispose()
                result = _maybe(node.instance, "dispose_async")
                if result is not None:
                    self._spawn(result)
            except Exception as e:  # a failing dispose must not stop the others
                self._report(node.instance, e)
            return
        for child in node.children:
            self._dispose_tree(child)

    def _commit(self) -> None:
        ops, self._ops = self._ops, []
        if ops:
            self.backend.apply(ops)
        after, self._after_render = self._after_render, []
        for instance, first in after:
            if id(instance) not in self._mounted:
                continue
            try:
                instance.on_after_render(first)
                result = _maybe(instance, "on_after_render_async", first)
                if result is not None:
                    self._spawn(_guard(self, instance, result))
            except Exception as e:
                self._fail(instance, e)
                self._commit()


def _call_soon(callback: Callable[[], None]) -> None:
    """Run ``callback`` soon on the running loop; without one (a synchronous test), the next event
    dispatch or an explicit ``flush()`` renders instead."""
    try:
        asyncio.get_running_loop().call_soon(callback)
    except RuntimeError:
        pass


_INJECTED: dict[type, list[str]] = {}
"""Each component class's ``inject()`` fields, found once."""

_DETACHED = object()
"""``_create``'s ``before`` for a node its caller inserts later."""


def _longest_increasing(values: list[int]) -> set[int]:
    """The indices of a longest strictly increasing subsequence of ``values``, ignoring -1 (the
    children that can stay where they are; O(n log n))."""
    tails: list[int] = []  # tails[k]: index in values of the smallest tail of an increasing run of length k+1
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        if value < 0:
            continue
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        previous[index] = tails[low - 1] if low else -1
        if low == len(tails):
            tails.append(index)
        else:
            tails[low] = index
    keep: set[int] = set()
    index = tails[-1] if tails else -1
    while index >= 0:
        keep.add(index)
        index = previous[index]
    return keep


_IMMUTABLE = (str, int, float, bool, bytes, complex, type(None), frozenset, decimal.Decimal, uuid.UUID,
              datetime.date, datetime.time, datetime.timedelta, enum.Enum)


def _may_have_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Blazor's change detection for a child's parameters: unchanged only when both have the same
    names, and each value is of a known immutable type (or a bound method, like an EventCallback)
    and equal to the previous one. Anything else (a list, an object, a lambda) may have changed."""
    if old.keys() != new.keys():
        return True
    for name, value in new.items():
        before = old[name]
        if type(before) is not type(value):
            return True
        if isinstance(value, _IMMUTABLE) or isinstance(value, types.MethodType):
            if before != value:
                return True
        elif isinstance(value, tuple):
            if before != value or not all(isinstance(item, _IMMUTABLE) for item in value):
                return True
        else:
            return True
    return False


def _maybe(instance: Component, name: str, *args: Any) -> Any:
    """Call an async lifecycle method only when the component overrides it (no empty tasks)."""
    if getattr(type(instance), name) is getattr(Component, name):
        return None
    return getattr(instance, name)(*args)


async def _guard(renderer: Renderer, instance: Component, awaitable: Any) -> None:
    try:
        await awaitable
    except Exception as e:
        renderer._fail(instance, e)
        renderer.flush()


def _call_handler(handler: Callable[..., Any], details: Any) -> Any:
    try:
        parameters = inspect.signature(handler).parameters
    except (TypeError, ValueError):
        return handler(details)
    return handler(details) if parameters else handler()
