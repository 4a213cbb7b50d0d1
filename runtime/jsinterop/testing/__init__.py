"""Testing helpers: a fake JS runtime for CPython unit tests, and (in submodules) rendering components
into a fake DOM (:mod:`jsinterop.testing.components`, :mod:`jsinterop.testing.fakedom`), headless-Chromium
helpers and the pytest plugin (:mod:`jsinterop.testing.pytest_plugin`)."""

from .components import ElementHandle, RenderedComponent, render
from .fake_runtime import ANY, FakeJSObject, FakeJSRuntime, Invocation, Setup, UnplannedInvocationError
from .fakedom import FakeEvent

__all__ = ["ANY", "ElementHandle", "FakeEvent", "FakeJSObject", "FakeJSRuntime", "Invocation", "RenderedComponent",
           "Setup", "UnplannedInvocationError", "render"]
