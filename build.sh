#!/usr/bin/env bash
# The one entry point of the repository. The sample site, www/, is an app project like any other: each
# command runs the `jsinterop` command of the package (runtime/jsinterop/tool/) for it, into dist/.
#   ./build.sh           build dist/ (Pyodide, our wheels, the lock, loader, site)
#   ./build.sh serve     build, then serve dist/ at http://127.0.0.1:${PORT:-8000}/
#   ./build.sh release   build dist/ for production: content-hashed names, Pyodide under pyodide/<version>/,
#                        .br/.gz siblings, nginx.conf and _headers (caching, MIME, CSP, fallback), 404.html
#   ./build.sh test      install what the tests need (Chromium, chromedriver, Firefox ESR, WebKitGTK's driver,
#                        xvfb, nginx), build dist/ with the test wheels (pytest, ... for @run_in_pyodide), run
#                        the suite: browser tests on Chromium, those marked `engines` on Firefox and WebKit too
#   ./build.sh bench     build, then run the benchmark page in headless Chromium (ratios vs raw Pyodide),
#                        and time a release served by nginx (boot with a warm cache, bytes cold and warm)
# `./build.sh` and `serve` write the development form of dist/ (plain names, served no-cache); `release`
# rewrites dist/ in production form. The test suite builds its releases in temporary folders.
# Extra arguments after `test` go to pytest, e.g. `./build.sh test -k devserver`; after `release`, to
# `jsinterop release` (e.g. `--dist DIR`). Downloads are cached in .cache/ (JSINTEROP_CACHE).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
venv="$root/.venv"
export JSINTEROP_CACHE="$root/.cache"
jsinterop=("$venv/bin/python" -m jsinterop)

die() { echo "build.sh: $*" >&2; exit 1; }

# A Python >= 3.12 for the host tools: the first that works among the usual names and pyenv's.
find_python() {
    local candidates=(python3.13 python3.12 python3.14 python3)
    local c
    for c in /root/.pyenv/versions/3.1[234]*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[234]*/bin/python3; do
        [ -x "$c" ] && candidates+=("$c")
    done
    for c in "${candidates[@]}"; do
        if "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            command -v "$c" 2>/dev/null || echo "$c"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    local stamp="$venv/.requirements.sha256"
    local want
    want=$(sha256sum requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    if [ ! -x "$venv/bin/python" ]; then
        local py
        py=$(find_python) || die "no Python >= 3.12 with venv found: install python3.12 (or newer) and its venv module, then run this again."
        echo "build.sh: creating .venv with $py"
        "$py" -m venv "$venv"
    fi
    echo "build.sh: installing pinned host tools into .venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt \
        || die "could not install the pinned host tools from requirements-dev.txt (is PyPI reachable?)."
    # The jsinterop package itself, editable, so CPython tests and the pytest plugin see the sources.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . \
        || die "could not install jsinterop into .venv in editable mode."
    echo "$want" > "$stamp"
}

ensure_node() {
    command -v npm >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "build.sh: installing nodejs and npm (to fetch the pinned Pyodide package)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null \
            || die "could not install npm with apt-get: install Node.js and npm, then run this again."
    else
        die "npm is missing: install Node.js and npm, then run this again."
    fi
}

ensure_node_modules() {
    # The pinned Node tools of package-lock.json (TypeScript, to check the loader's types).
    local stamp="node_modules/.jsinterop-lock.sha256" want
    want=$(sha256sum package-lock.json | cut -d' ' -f1)
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    echo "build.sh: installing the pinned Node tools (npm ci)"
    npm ci --silent --no-audit --no-fund >/dev/null || die "npm ci failed: is the npm registry reachable?"
    echo "$want" > "$stamp"
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return 0
    fi
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "build.sh: installing chromium and chromium-driver with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
            || die "could not install chromium and chromium-driver with apt-get: install them, then run this again."
    else
        die "headless Chromium is missing: install Debian's chromium and chromium-driver (as root: apt-get install chromium chromium-driver)."
    fi
}

# The other engines of the browser suite (tests marked `engines` run on each): Debian's Firefox ESR (driven
# through its own WebDriver BiDi, no geckodriver) and WebKitGTK's driver with its MiniBrowser, on a virtual
# screen (xvfb: MiniBrowser has no headless mode).
ensure_engines() {
    local missing=()
    command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
    command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
    command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb xauth)
    [ ${#missing[@]} = 0 ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "build.sh: installing ${missing[*]} with apt-get (the Firefox and WebKit runs of the browser tests)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || die "could not install ${missing[*]} with apt-get: install them, then run this again."
    else
        die "${missing[*]} missing: install Debian's firefox-esr, webkit2gtk-driver and xvfb (as root: apt-get install firefox-esr webkit2gtk-driver xvfb xauth), or test on Chromium only: ./build.sh test --jsinterop-browser=chromium"
    fi
}

# nginx for the release tests and the bench: Debian's has gzip_static; libnginx-mod-http-brotli-static adds
# brotli_static. Installed without starting the packaged service (the tests run their own nginx).
NGINX_BROTLI_MODULE=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
ensure_nginx() {
    local have_nginx=0
    { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } && have_nginx=1
    if [ "$have_nginx" = 1 ] && [ -e "$NGINX_BROTLI_MODULE" ]; then
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
        [ "$have_nginx" = 1 ] || die "nginx is missing: install Debian's nginx and libnginx-mod-http-brotli-static (as root: apt-get install nginx libnginx-mod-http-brotli-static)."
        echo "build.sh: nginx has no brotli_static module (libnginx-mod-http-brotli-static): the release tests serve the .gz files only." >&2
        return 0
    fi
    echo "build.sh: installing nginx and libnginx-mod-http-brotli-static with apt-get"
    # A policy-rc.d that says "no" keeps apt from starting the packaged nginx service on port 80.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
    fi
    local ok=1
    apt-get update -qq || ok=0
    if [ "$ok" = 1 ] && [ "$have_nginx" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || ok=0
    fi
    if [ "$ok" = 1 ] && ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null; then
        echo "build.sh: libnginx-mod-http-brotli-static is unavailable: the release tests serve the .gz files only (gzip_static)." >&2
    fi
    [ "$made_policy" = 1 ] && rm -f "$policy"
    { [ "$ok" = 1 ] && { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }; } \
        || die "could not install nginx with apt-get: install Debian's nginx, then run this again."
}

cmd=${1:-build}
[ $# -gt 0 ] && shift

case "$cmd" in
    build)
        ensure_node; ensure_venv
        exec "${jsinterop[@]}" build --project www --dist dist "$@"
        ;;
    serve)
        ensure_node; ensure_venv
        exec "${jsinterop[@]}" serve --project www --dist dist "$@"
        ;;
    release)
        ensure_node; ensure_venv
        exec "${jsinterop[@]}" release --project www --dist dist "$@"
        ;;
    test)
        ensure_node; ensure_venv; ensure_node_modules; ensure_chromium; ensure_engines; ensure_nginx
        "${jsinterop[@]}" build --project www --dist dist --test
        exec "$venv/bin/python" -m pytest "$@"
        ;;
    bench)
        ensure_node; ensure_venv; ensure_chromium; ensure_nginx
        case " $* " in *" --engines="*) ensure_engines ;; esac
        exec "${jsinterop[@]}" bench --project www --dist dist "$@"
        ;;
    *)
        die "unknown command '$cmd': use one of build, serve, release, test, bench."
        ;;
esac
