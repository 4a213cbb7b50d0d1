"""A module with a few callables JavaScript may call and many it must not reach, for the reachability
tests: imported on CPython, and written into the page's Python and imported in the browser."""

from __future__ import annotations

import os
import sys
from typing import Any

from jsinterop import PyObjectReference, js_export, js_invokable

SECRET = "a module variable"
CALLED: list[str] = []
"""What ran: an unreachable callable that ran anyway would leave its name here."""


def unmarked_function() -> str:
    CALLED.append("unmarked_function")
    return "unreachable"


def _private_function() -> str:
    CALLED.append("_private_function")
    return "unreachable"


class Unmarked:
    def __init__(self) -> None:
        CALLED.append("Unmarked")


@js_invokable
def reachable(x: int) -> int:
    return x + 1


@js_invokable("RenamedAsync")
async def renamed_async() -> str:
    return "renamed"


@js_invokable
def lend() -> PyObjectReference:
    return PyObjectReference.create(Vault())


@js_export
def exported(x: int) -> int:
    return x * 2


@js_export
def refuse(text: str) -> None:
    """Raises with ``text`` as the message: JavaScript gets it whole, several lines included."""
    raise ValueError(text)


def not_exported(x: int) -> int:
    CALLED.append("not_exported")
    return x


class Base:
    @js_invokable
    def ping(self) -> str:
        return "base ping"

    @js_invokable("Shout")
    def shout(self) -> str:
        return "BASE SHOUT"

    @js_invokable
    @staticmethod
    def version() -> int:
        return 1


class Vault(Base):
    """A lent object: ``Shout`` and ``version`` are invokable (inherited); everything else is not."""

    secret = "a class attribute"

    def __init__(self) -> None:
        self.token = "an instance attribute"
        # An instance attribute named like the marked method must not stand in for it.
        self.shout = lambda: self._leak("instance shout")

    def ping(self) -> str:  # overridden without the mark: no longer invokable
        return self._leak("unmarked override")

    def _leak(self, what: str) -> str:
        CALLED.append(what)
        return what

    def open_door(self) -> str:
        return self._leak("open_door")

    @property
    def key(self) -> str:
        return self._leak("key property")

    @classmethod
    def build(cls) -> Vault:
        CALLED.append("build")
        return cls()

    def __getattr__(self, name: str) -> Any:  # any other attribute: a callable that must never run
        return lambda *args: self._leak(f"__getattr__ {name}")


REACHABLE_FUNCTIONS = {"reachable", "RenamedAsync", "lend"}
"""The identifiers of this module's invokable functions."""
REACHABLE_METHODS = {"Shout", "version"}
"""The identifiers of Vault's invokable methods."""
EXPORTS = {"exported", "refuse"}

DUNDERS = ["__class__", "__init__", "__globals__", "__subclasses__", "__import__", "__builtins__", "__dict__",
           "__module__", "__code__", "__call__", "__getattribute__", "__getattr__", "__reduce__", "__reduce_ex__",
           "__loader__", "__spec__", "__name__", "__doc__", "__file__", "__new__", "__del__", "__setattr__",
           "__js_invokable__", "__wrapped__", "__func__", "__self__", "__mro__", "__bases__", "__base__", "__proto__",
           "constructor", "prototype", "__defaults__", "__closure__"]
BUILTINS = ["eval", "exec", "open", "getattr", "setattr", "print", "compile", "__import__", "globals", "locals",
            "vars", "input", "breakpoint", "exit", "quit", "help", "type", "object", "super", "memoryview"]
DOTTED = ["reachable.__globals__", "reachable.__code__", "lend.__globals__", "os.system", "os.popen", "sys.modules",
          "Vault.ping", "Vault.open_door", "Base.ping", "Vault.__init__", "builtins.eval", "reachable.__call__",
          "__builtins__.eval", "jsinterop.js_runtime", "importlib.import_module", ".reachable", "reachable.",
          "Shout.__func__", "version.__globals__"]
OTHER_MODULES = ["builtins", "os", "sys", "os.path", "subprocess", "importlib", "jsinterop", "jsinterop.py_dispatcher",
                 "jsinterop.typed_interop", "__main__", "pyodide", "js", "", f"{__name__}.Vault", f"{__name__}.os",
                 f"{__name__}.reachable", __name__.upper(), f" {__name__}", f"{__name__}\n"]


def candidate_names() -> list[str]:
    """Every name to try: this module's attributes, dunders, builtins, imported modules' attributes,
    the lent object's attributes, dotted paths, private names, and the invokable identifiers in the
    wrong case or spelled by their Python names."""
    import builtins

    names = {*dir(sys.modules[__name__]), *DUNDERS, *BUILTINS, *DOTTED, *dir(builtins), *dir(Vault), *vars(Vault()),
             *dir(os)[:80], "_x", "_", "__", "_private_function", "reachable_", "Reachable", "REACHABLE", "shout",
             "SHOUT", "Version", "renamed_async", "renamedasync", "Lend", "ping", "PING"}
    return sorted(names)


def unreachable_names(reachable: set[str]) -> list[str]:
    return [n for n in candidate_names() if n not in reachable]
