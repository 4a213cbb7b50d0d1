"""Fixtures of the release tests: one release built into a temporary folder for the session (the
development build in dist/ is left alone), and nginx serving it under a sub-path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from releases import RELEASE_BASE, build_release

from jsinterop.testing.browser import OBSERVER_SCRIPT
from jsinterop.tool import nginx_server


@pytest.fixture(scope="session")
def release_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of this repository, built once for the session, for serving at ``/jsi/``."""
    out = tmp_path_factory.mktemp("release") / "site"
    build_release(out, RELEASE_BASE)
    return out


@pytest.fixture(scope="session")
def release_server(release_dist: Path) -> Iterator[nginx_server.NginxServer]:
    """nginx on a free loopback port, with the release's nginx.conf in ``location /jsi/``."""
    with nginx_server.serving(release_dist, RELEASE_BASE) as server:
        yield server


@pytest.fixture(scope="session")
def observed_release_server(release_dist: Path) -> Iterator[nginx_server.NginxServer]:
    """The same, with the entry page loading the test observer first (for the engines whose driver cannot
    install it: WebKitGTK)."""
    with nginx_server.serving(release_dist, RELEASE_BASE, observer_script=OBSERVER_SCRIPT) as server:
        yield server
