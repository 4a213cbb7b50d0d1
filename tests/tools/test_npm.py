"""jsinterop.tool.npm: an app's [tool.jsinterop.npm] installed (per-user cache, pinned by the app's
package-lock), bundled with the pinned esbuild with code splitting, and the app's JS rewritten; and the
release of the sample (which bundles chart.js 4.5.0 with @kurkle/color) hashing the bundles and their
chunk imports. Downloads go through the per-user cache (cache_dir(), the repository's .cache under
build.sh); npm resolves with --prefer-offline, from npm's own cache after the first run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from releases import ROOT

from jsinterop.tool import npm, release_layout
from jsinterop.tool.errors import BuildError

CHART = {"chart.js": "4.5.0"}
SAMPLE_LOCK = ROOT / "www" / npm.LOCK_NAME


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """An app folder with the sample's committed lock and one JS module importing chart.js."""
    folder = tmp_path / "app"
    (folder / "static").mkdir(parents=True)
    shutil.copyfile(SAMPLE_LOCK, folder / npm.LOCK_NAME)
    (folder / "static" / "main.js").write_text(
        '// import "not-a-package" in a comment is no import\n'
        'import { Chart } from "chart.js";\nimport "chart.js/auto";\n'
        'const label = "-import" + \'from "nowhere"\';\nexport const load = () => import("chart.js/helpers");\n'
        'export { Chart, label };\n')
    (folder / "static" / "views").mkdir()
    (folder / "static" / "views" / "chart.mjs").write_text('export * from "chart.js/auto";\n')
    return folder


def imports_of(text: str) -> list[str]:
    return re.findall(r"""(?:from|import)\s*\(?["']([^"']+)["']""", text)


def test_chart_js_bundles_into_entries_sharing_chunks_and_the_apps_js_is_rewritten(app):
    lock = (app / npm.LOCK_NAME).read_bytes()
    site = npm.npm_site(app, CHART, npm.js_modules(app / "static"))
    assert site.modules == {"chart.js": "npm/chart.js.mjs", "chart.js/auto": "npm/chart.js/auto.mjs",
                            "chart.js/helpers": "npm/chart.js/helpers.mjs"}
    assert (app / npm.LOCK_NAME).read_bytes() == lock  # the lock matched the table: npm ci, unchanged
    assert not (app / "node_modules").exists() and not (app / "package.json").exists()
    chunks = {p for p in site.files if re.fullmatch(r"npm/chunk-[A-Z0-9]+\.mjs", p)}
    assert chunks and set(site.files) == {*site.modules.values(), *chunks, "main.js", "views/chart.mjs"}
    text = {p: (f.read_text() if isinstance(f, Path) else f.decode()) for p, f in site.files.items()}
    # @kurkle/color is bundled in (its licence comment kept), not imported
    assert "@kurkle/color/dist/color.esm.js" in "".join(text.values())
    assert not [s for t in text.values() for s in imports_of(t) if "kurkle" in s]
    # chart.js and chart.js/auto import the same chunks: one instance of the package
    main_chunks = {Path(s).name for s in imports_of(text["npm/chart.js.mjs"])}
    auto_chunks = {Path(s).name for s in imports_of(text["npm/chart.js/auto.mjs"])}
    assert main_chunks and main_chunks <= {Path(c).name for c in chunks} and main_chunks <= auto_chunks
    assert text["main.js"] == (
        '// import "not-a-package" in a comment is no import\n'
        'import { Chart } from "./npm/chart.js.mjs";\nimport "./npm/chart.js/auto.mjs";\n'
        'const label = "-import" + \'from "nowhere"\';\nexport const load = () => import("./npm/chart.js/helpers.mjs");\n'
        'export { Chart, label };\n')
    assert text["views/chart.mjs"] == 'export * from "../npm/chart.js/auto.mjs";\n'
    # A second build reuses the cached install and bundle: the same files.
    assert npm.npm_site(app, CHART, npm.js_modules(app / "static")).files.keys() == site.files.keys()


def test_the_sub_path_shares_the_package_instance_under_node(app):
    site = npm.npm_site(app, CHART, {})
    out = app / "site"
    for rel, f in site.files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(f.read_bytes() if isinstance(f, Path) else f)
    script = """
        const main = await import(process.argv[1]), auto = await import(process.argv[2]);
        console.log(JSON.stringify([main.Chart === auto.Chart, auto.default === main.Chart,
                                    Boolean(main.Chart.registry.getController("bar"))]));
    """
    proc = subprocess.run(["node", "--input-type=module", "-e", script, (out / "npm/chart.js.mjs").as_uri(),
                           (out / "npm/chart.js/auto.mjs").as_uri()], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [True, True, True]  # auto registered "bar" on the package's one Chart


def test_a_bare_specifier_the_build_cannot_resolve_names_the_file_and_the_specifier(app):
    (app / "static" / "pad.js").write_text('import leftPad from "left-pad";\nexport default leftPad;\n')
    with pytest.raises(npm.UnresolvedSpecifierError) as caught:
        npm.npm_site(app, CHART, npm.js_modules(app / "static"))
    assert isinstance(caught.value, BuildError) and caught.value.file == "pad.js" and caught.value.specifier == "left-pad"
    assert str(caught.value) == (
        "pad.js: imports 'left-pad', a bare npm specifier this build cannot resolve: add \"left-pad\" = "
        "\"<exact version>\" to [tool.jsinterop.npm] in pyproject.toml, or import a file by a path starting "
        "with ./, ../ or /")
    (app / "static" / "pad.js").write_text('import { nope } from "chart.js/nope";\n')
    with pytest.raises(npm.UnresolvedSpecifierError, match=r"^pad\.js: imports 'chart\.js/nope', .*'chart\.js' is in "
                       r"\[tool\.jsinterop\.npm\] but 'chart\.js/nope' is not a module of it"):
        npm.npm_site(app, CHART, npm.js_modules(app / "static"))


def test_with_no_table_a_bare_specifier_is_still_an_error_and_nothing_is_installed(tmp_path):
    (tmp_path / "a.mjs").write_text('import "./b.mjs";\n')
    assert npm.npm_site(tmp_path, {}, npm.js_modules(tmp_path)) == npm.NpmSite()
    (tmp_path / "b.mjs").write_text('export * from "chart.js";\n')
    with pytest.raises(npm.UnresolvedSpecifierError, match=r"^b\.mjs: imports 'chart\.js'"):
        npm.npm_site(tmp_path, {}, npm.js_modules(tmp_path))
    assert not (tmp_path / npm.LOCK_NAME).exists()


def test_rewrite_makes_relative_urls_from_the_modules_folder():
    modules = {"chart.js": "npm/chart.js.mjs", "@scope/pkg": "npm/@scope/pkg.mjs"}
    assert npm.rewrite_specifiers("app/views/x.js", 'import a from "chart.js";\nimport b from \'@scope/pkg\';\n'
                                  'import c from "./c.js"; import d from "https://x.test/d.js";', modules, {}) == (
        'import a from "../../npm/chart.js.mjs";\nimport b from \'../../npm/@scope/pkg.mjs\';\n'
        'import c from "./c.js"; import d from "https://x.test/d.js";')
    assert npm.package_of("@scope/pkg/sub") == "@scope/pkg" and npm.package_of("chart.js/auto") == "chart.js"
    assert [s for s in ("chart.js", "@a/b", "./x.js", "../x", "/x", "https://x", "node:fs") if npm.is_bare(s)] == [
        "chart.js", "@a/b"]


def test_a_table_with_a_range_or_a_bad_name_is_refused(tmp_path):
    with pytest.raises(npm.NpmError, match=r'\[tool\.jsinterop\.npm\]: "chart\.js" = "\^4\.5\.0": give an exact version'):
        npm.installed({"chart.js": "^4.5.0"}, tmp_path / npm.LOCK_NAME)
    with pytest.raises(npm.NpmError, match=r"'Bad Name' is not an npm package name"):
        npm.installed({"Bad Name": "1.0.0"}, tmp_path / npm.LOCK_NAME)


def test_no_lock_resolves_and_writes_it_and_a_changed_table_re_resolves(tmp_path, monkeypatch):
    monkeypatch.setenv("npm_config_prefer_offline", "true")  # npm's own cache after the first run
    lock_file = tmp_path / npm.LOCK_NAME
    first = npm.installed({"@kurkle/color": "0.3.4"}, lock_file)
    lock = json.loads(lock_file.read_text())
    assert lock["packages"][""]["dependencies"] == {"@kurkle/color": "0.3.4"}
    assert lock["packages"]["node_modules/@kurkle/color"]["integrity"].startswith("sha512-")
    assert (first / "node_modules" / "@kurkle" / "color" / "package.json").is_file()
    assert npm.installed({"@kurkle/color": "0.3.4"}, lock_file) == first  # the lock matches: the cached install
    # A table that no longer matches the lock re-resolves, keeping what it pinned.
    again = npm.installed({"@kurkle/color": "0.3.4", "chart.js": "4.5.0"}, lock_file)
    lock = json.loads(lock_file.read_text())
    assert again != first and lock["packages"][""]["dependencies"] == {"@kurkle/color": "0.3.4", "chart.js": "4.5.0"}
    assert lock["packages"]["node_modules/chart.js"]["version"] == "4.5.0"
    assert npm.lock_matches(SAMPLE_LOCK.read_bytes(), CHART)


def test_esbuild_is_the_toolchains_pin():
    tools = json.loads((npm.TOOLS / "package.json").read_text())["dependencies"]
    lock = json.loads((npm.TOOLS / npm.LOCK_NAME).read_text())
    assert tools == {"esbuild": "0.28.2"} and lock["packages"]["node_modules/esbuild"]["version"] == "0.28.2"
    proc = subprocess.run([*npm.esbuild(), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "0.28.2"


def test_documented_sub_paths_come_from_the_exports_map(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"exports": {
        ".": "./index.js", "./auto": {"types": "./a.d.ts", "import": "./auto.js"}, "./style.css": "./s.css",
        "./features/*": "./f/*.js", "./package.json": "./package.json", "./node-only": {"node": "./n.js"},
        "./browser": [{"browser": "./b.mjs"}, "./b.cjs"]}}))
    assert npm.documented_sub_paths(tmp_path) == ["auto", "browser"]
    (tmp_path / "package.json").write_text(json.dumps({"exports": {"import": "./x.js"}}))
    assert npm.documented_sub_paths(tmp_path) == []


# --- the layout module and the release ---------------------------------------------------------

def test_layout_module_carries_the_npm_map_and_the_release_reads_it_back():
    module = release_layout.layout_module({}, {}, None, {"chart.js/auto": "npm/chart.js/auto.mjs", "chart.js": "npm/chart.js.mjs"})
    assert release_layout.npm_modules_of(module) == {"chart.js": "npm/chart.js.mjs", "chart.js/auto": "npm/chart.js/auto.mjs"}
    assert release_layout.npm_modules_of(release_layout.layout_module({}, {})) == {}


def test_a_side_effect_import_with_no_space_is_a_reference():
    refs = release_layout.find_references("npm/chart.js.mjs", 'import"./chunk-A.mjs";import{a}from"./chunk-B.mjs";',
                                          lambda p: True)
    assert [r.target for r in refs] == ["npm/chunk-A.mjs", "npm/chunk-B.mjs"]


def test_release_hashes_the_bundles_and_rewrites_their_chunk_imports(release_dist):
    [layout] = release_dist.glob("layout.*.mjs")
    files = json.loads(re.sub(r",\s*\}$", "}", re.search(r"FILES = Object\.freeze\((\{.*?\})\);\n",
                                                          layout.read_text(), re.S).group(1)))
    modules = release_layout.npm_modules_of(layout.read_bytes())
    assert modules["chart.js"] == "npm/chart.js.mjs" and modules["chart.js/auto"] == "npm/chart.js/auto.mjs"
    for dev in modules.values():
        served = files[dev]
        assert re.fullmatch(re.escape(dev[:-4]) + r"\.[0-9a-f]{10}\.mjs", served), served
        text = (release_dist / served).read_text()
        for spec in imports_of(text):
            target = (release_dist / served).parent / spec
            assert target.is_file() and re.search(r"chunk-[A-Z0-9]+\.[0-9a-f]{10}\.mjs$", spec), (served, spec)
    demo = (release_dist / files["chart-demo.mjs"]).read_text()
    assert f'from "./{files["npm/chart.js/auto.mjs"]}"' in demo  # the app's JS, rewritten then hashed
    # The release's loader resolves the names through NPM_MODULES, then FILES.
    [assets] = release_dist.glob("assets.*.mjs")
    script = """
        const m = await import(process.argv[1]);
        let error = null;
        try { m.moduleURL("left-pad", m.DIST); } catch (e) { error = e.message; }
        console.log(JSON.stringify([m.moduleURL("chart.js", m.DIST).href.replace(m.DIST.href, ""),
                                    m.moduleURL("./chart-demo.mjs", m.DIST).href.replace(m.DIST.href, ""), error]));
    """
    proc = subprocess.run(["node", "--input-type=module", "-e", script, assets.as_uri()], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    url, demo_url, error = json.loads(proc.stdout)
    assert url == files["npm/chart.js.mjs"] and demo_url == files["chart-demo.mjs"]
    assert error.startswith("The JavaScript module 'left-pad' is a bare npm specifier that this build did not bundle: "
                            "add the package to [tool.jsinterop.npm] in pyproject.toml")
