"""JS initializers in the build's layout module: every ``*.lib.module.js`` at the site's root is listed in
``layout.mjs`` (``INITIALIZERS``), in name order, by the development build and by a release."""

from __future__ import annotations

import json
import re

from jsinterop.tool import release_layout

VERSION = "314.0.7"


def initializers_of(module: bytes) -> list[str]:
    return json.loads(re.search(rb"^export const INITIALIZERS = Object\.freeze\((.*)\);$", module, re.M).group(1))


def test_only_lib_modules_at_the_site_root_are_initializers():
    paths = ["z.lib.module.js", "app.lib.module.js", "app/inner.lib.module.js", "main.mjs", "x.lib.module.mjs",
             ".lib.module.js", "lib.module.js"]
    assert release_layout.initializer_modules(paths) == ["app.lib.module.js", "z.lib.module.js"]


def test_the_layout_module_lists_them():
    module = release_layout.layout_module({}, {}, initializers=["a.lib.module.js", "b.lib.module.js"])
    assert initializers_of(module) == ["a.lib.module.js", "b.lib.module.js"]
    assert initializers_of(release_layout.layout_module({}, {})) == []


def test_the_development_build_lists_none_for_this_site(jsinterop_dist):
    assert initializers_of((jsinterop_dist / "layout.mjs").read_bytes()) == []


def test_a_release_lists_them_by_development_path_and_maps_them_to_hashed_names():
    site = {"index.html": b"<html><head></head></html>", "jsinterop.mjs": b'import "./layout.mjs";\n',
            "layout.mjs": b"", "charts.lib.module.js": b"export function beforeStart() {}\n"}
    tree = {f.path: f.data for f in release_layout.release_tree(site, VERSION, [])}
    layout = next(data for path, data in tree.items() if re.fullmatch(r"layout\.[0-9a-f]{10}\.mjs", path))
    assert initializers_of(layout) == ["charts.lib.module.js"]
    served = json.loads(re.search(rb"FILES = Object\.freeze\((\{.*?\})\);", layout.replace(b",\n}", b"\n}"), re.S).group(1))
    assert re.fullmatch(r"charts\.lib\.module\.[0-9a-f]{10}\.js", served["charts.lib.module.js"])
    assert served["charts.lib.module.js"] in tree
