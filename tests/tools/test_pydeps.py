"""An app's Python dependencies (jsinterop.tool.pydeps): resolved by pip for the pinned Pyodide, locked
in the app's pylock.toml, downloaded into the per-user cache and checked by sha256. The resolving tests
use the package index (PyPI) through that cache: a second run downloads nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jsinterop.tool import pydeps
from jsinterop.tool.build import BuildError
from jsinterop.tool.paths import PINS, cache_dir

PYTHON = tomllib.loads(PINS.read_text())["pyodide"]["python"]


def test_a_pure_and_a_compiled_dependency_resolve_lock_download_and_verify(tmp_path: Path) -> None:
    files = pydeps.locked_wheels(tmp_path, ["attrs", "msgspec", "jsinterop"], PYTHON)

    by_name = {f.name.split("-")[0]: f for f in files}
    assert sorted(by_name) == ["attrs", "msgspec"]  # jsinterop is the build's own
    assert by_name["attrs"].name.endswith("-py3-none-any.whl")
    assert by_name["msgspec"].name.endswith(f"-cp314-cp314-{pydeps.PLATFORM}.whl")
    assert all(f.parent == cache_dir() / "wheels" for f in files)
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert lock["lock-version"] == "1.0"
    assert lock["tool"]["jsinterop"] == {"requirements": ["attrs", "msgspec"], "python": PYTHON,
                                         "platform": pydeps.PLATFORM, "abis": ["cp314", "abi3", "none"]}
    for package in lock["packages"]:
        (wheel,) = package["wheels"]
        file = by_name[package["name"]]
        assert wheel["name"] == file.name and file.name.startswith(f"{package['name']}-{package['version']}-")
        assert wheel["hashes"]["sha256"] == pydeps.sha256_of(file)
        assert wheel["size"] == file.stat().st_size
        assert wheel["url"].endswith("/" + file.name)


def test_the_same_requirements_reuse_the_lock_without_pip_and_changed_ones_resolve_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = pydeps.locked_wheels(tmp_path, ["attrs"], PYTHON)
    written = (tmp_path / "pylock.toml").read_bytes()

    def no_pip(args: list[str]) -> None:
        raise AssertionError(f"pip ran: {args}")

    monkeypatch.setattr(pydeps, "run_pip", no_pip)
    assert pydeps.locked_wheels(tmp_path, [" attrs ", "jsinterop"], PYTHON) == first
    assert (tmp_path / "pylock.toml").read_bytes() == written
    monkeypatch.undo()

    calls = []
    real = pydeps.run_pip
    monkeypatch.setattr(pydeps, "run_pip", lambda args: calls.append(args[0]) or real(args))
    files = pydeps.locked_wheels(tmp_path, ["attrs", "tblib"], PYTHON)
    assert calls[0] == "install"  # the resolver ran again
    assert sorted(f.name.split("-")[0] for f in files) == ["attrs", "tblib"]
    assert tomllib.loads((tmp_path / "pylock.toml").read_text())["tool"]["jsinterop"]["requirements"] == ["attrs", "tblib"]


def test_no_requirements_lock_nothing_and_need_no_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pydeps, "run_pip", lambda args: pytest.fail(f"pip ran: {args}"))
    assert pydeps.locked_wheels(tmp_path, ["jsinterop"], PYTHON) == []
    assert tomllib.loads((tmp_path / "pylock.toml").read_text())["tool"]["jsinterop"]["requirements"] == []


def test_a_dependency_with_no_browser_wheel_fails_naming_it_and_the_tags(tmp_path: Path) -> None:
    with pytest.raises(pydeps.NoBrowserWheelError) as caught:
        pydeps.locked_wheels(tmp_path, ["attrs", "numpy>=2"], PYTHON)
    message = str(caught.value)
    assert "'numpy' (numpy>=2) has no wheel for the browser" in message
    assert f"python {PYTHON} (cp314), platform {pydeps.PLATFORM} or any, abi cp314, abi3 or none" in message
    assert isinstance(caught.value, BuildError)
    assert not (tmp_path / "pylock.toml").exists()


@pytest.mark.parametrize(("requirements", "named"), [
    (["attrs==1.0.0.99"], "'attrs==1.0.0.99' cannot be satisfied"),
    (["attrs<20", "attrs>21"], "attrs<20, attrs>21 cannot be resolved"),
    (["attrs", "!!"], "'!!' is not a requirement"),
])
def test_an_unresolvable_requirement_fails_naming_it(tmp_path: Path, requirements: list[str], named: str) -> None:
    with pytest.raises(pydeps.UnresolvableRequirementError, match=named):
        pydeps.locked_wheels(tmp_path, requirements, PYTHON)


def _pinned_tblib() -> Path:
    """A wheel already in the cache (the build's pinned tblib), served to pip as a file:// URL."""
    pin = next(p for p in tomllib.loads(PINS.read_text())["test-wheel"] if p["name"] == "tblib")
    wheel = cache_dir() / "wheels" / pin["file"]
    assert pydeps.sha256_of(wheel) == pin["sha256"], "run the build first: it caches the pinned wheels"
    return wheel


def test_a_download_that_does_not_match_the_lock_fails_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _pinned_tblib()
    target = pydeps.Target(PYTHON)
    locked = pydeps.LockedWheel("tblib", "3.2.2", source.name, source.as_uri(), "0" * 64, source.stat().st_size)
    (tmp_path / "pylock.toml").write_text(pydeps.lock_text(["tblib"], target, [locked]))
    monkeypatch.setenv("JSINTEROP_CACHE", str(tmp_path / "cache"))

    with pytest.raises(pydeps.WheelHashMismatchError, match=rf"{source.name} \(from file:.*\): sha256 mismatch"):
        pydeps.locked_wheels(tmp_path, ["tblib"], PYTHON)
    assert not (tmp_path / "cache" / "wheels" / source.name).exists()  # nothing unverified is kept


def test_a_corrupt_cached_wheel_is_downloaded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _pinned_tblib()
    locked = pydeps.LockedWheel("tblib", "3.2.2", source.name, source.as_uri(), pydeps.sha256_of(source),
                                source.stat().st_size)
    (tmp_path / "pylock.toml").write_text(pydeps.lock_text(["tblib"], pydeps.Target(PYTHON), [locked]))
    monkeypatch.setenv("JSINTEROP_CACHE", str(tmp_path / "cache"))
    cached = tmp_path / "cache" / "wheels" / source.name
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not a wheel")

    assert pydeps.locked_wheels(tmp_path, ["tblib"], PYTHON) == [cached]
    assert cached.read_bytes() == source.read_bytes()


def test_a_lock_file_that_is_not_toml_fails_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pylock.toml").write_text("lock-version = \n")
    with pytest.raises(pydeps.DependencyError, match=r"pylock.toml: not a valid lock file"):
        pydeps.locked_wheels(tmp_path, ["attrs"], PYTHON)


def test_a_lazy_name_the_build_does_not_ship_is_refused_naming_it() -> None:
    lock = {"packages": {"app": {}, "jsinterop": {}, "tblib": {}}}
    pydeps.check_lazy(["TBLib"], lock)
    with pytest.raises(pydeps.DependencyError, match=r"lazy names 'chart-lib', which the build does not ship "
                                                     r"\(it ships app, jsinterop, tblib\)"):
        pydeps.check_lazy(["tblib", "chart-lib"], lock)
