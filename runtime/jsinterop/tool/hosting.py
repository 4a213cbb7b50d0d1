"""The serving rules of a release, for the hosts that read them: ``nginx.conf`` (an nginx include) and
``_headers`` (Netlify, Cloudflare Pages).

Both say the same things: files whose path names their content are cached for a year and never
revalidated; entry points are revalidated on every load; ``.wasm`` is ``application/wasm``; every
response carries the strict Content-Security-Policy, and, when the app asks for cross-origin isolation
(``[tool.jsinterop] isolation``), COOP ``same-origin`` and its COEP (the dev server's
:func:`~jsinterop.tool.devserver.isolation_headers`). nginx also serves the ``.br``/``.gz`` siblings
and answers client-side routes with ``index.html`` (Netlify and Cloudflare Pages compress by
themselves, and answer a path that names no file with ``404.html``, a copy of ``index.html``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jsinterop.tool import devserver

IMMUTABLE = "public, max-age=31536000, immutable"
"""Cache-Control of files whose path names their content: a new content gets a new URL."""

REVALIDATE = "no-cache"
"""Cache-Control of entry points: kept, but revalidated (a 304 while unchanged) on every use."""

CONTENT_SECURITY_POLICY = devserver.CONTENT_SECURITY_POLICY
"""The strict policy a release is served with, the dev server's: no eval, no inline script, style or handler."""

BROTLI_MARK = "# brotli module"
"""Ends every nginx line that needs the ngx_brotli static module; without it, drop those lines."""

DIST_MARKER = ".jsinterop-dist"
"""The file that marks a folder as a build of ours (tools/build.py writes only into such a folder or an
empty one)."""

DEPLOY_FILES = ("nginx.conf", "_headers", "release-manifest.json", DIST_MARKER)
"""Files of a release that are for deploying it, not for browsers (nginx answers them with 404)."""

NGINX_DEFAULT_TYPES = """
    text/html html htm shtml;
    text/css css;
    text/xml xml;
    image/gif gif;
    image/jpeg jpeg jpg;
    application/javascript js;
    application/atom+xml atom;
    application/rss+xml rss;
    text/mathml mml;
    text/plain txt;
    text/vnd.sun.j2me.app-descriptor jad;
    text/vnd.wap.wml wml;
    text/x-component htc;
    image/avif avif;
    image/png png;
    image/svg+xml svg svgz;
    image/tiff tif tiff;
    image/vnd.wap.wbmp wbmp;
    image/webp webp;
    image/x-icon ico;
    image/x-jng jng;
    image/x-ms-bmp bmp;
    font/woff woff;
    font/woff2 woff2;
    application/java-archive jar war ear;
    application/json json;
    application/mac-binhex40 hqx;
    application/msword doc;
    application/pdf pdf;
    application/postscript ps eps ai;
    application/rtf rtf;
    application/vnd.apple.mpegurl m3u8;
    application/vnd.google-earth.kml+xml kml;
    application/vnd.google-earth.kmz kmz;
    application/vnd.ms-excel xls;
    application/vnd.ms-fontobject eot;
    application/vnd.ms-powerpoint ppt;
    application/vnd.oasis.opendocument.graphics odg;
    application/vnd.oasis.opendocument.presentation odp;
    application/vnd.oasis.opendocument.spreadsheet ods;
    application/vnd.oasis.opendocument.text odt;
    application/vnd.openxmlformats-officedocument.presentationml.presentation pptx;
    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet xlsx;
    application/vnd.openxmlformats-officedocument.wordprocessingml.document docx;
    application/vnd.wap.wmlc wmlc;
    application/wasm wasm;
    application/x-7z-compressed 7z;
    application/x-cocoa cco;
    application/x-java-archive-diff jardiff;
    application/x-java-jnlp-file jnlp;
    application/x-makeself run;
    application/x-perl pl pm;
    application/x-pilot prc pdb;
    application/x-rar-compressed rar;
    application/x-redhat-package-manager rpm;
    application/x-sea sea;
    application/x-shockwave-flash swf;
    application/x-stuffit sit;
    application/x-tcl tcl tk;
    application/x-x509-ca-cert der pem crt;
    application/x-xpinstall xpi;
    application/xhtml+xml xhtml;
    application/xspf+xml xspf;
    application/zip zip;
    application/octet-stream bin exe dll;
    application/octet-stream deb;
    application/octet-stream dmg;
    application/octet-stream iso img;
    application/octet-stream msi msp msm;
    audio/midi mid midi kar;
    audio/mpeg mp3;
    audio/ogg ogg;
    audio/x-m4a m4a;
    audio/x-realaudio ra;
    video/3gpp 3gpp 3gp;
    video/mp2t ts;
    video/mp4 mp4;
    video/mpeg mpeg mpg;
    video/quicktime mov;
    video/webm webm;
    video/x-flv flv;
    video/x-m4v m4v;
    video/x-mng mng;
    video/x-ms-asf asx asf;
    video/x-ms-wmv wmv;
    video/x-msvideo avi;
"""
"""nginx's own MIME table (its ``conf/mime.types``, as of nginx 1.22): the include's ``types {}`` replaces
the server's table, so it repeats this one with the site's types over it."""


def normalize_base_path(base_path: str) -> str:
    """``"some/prefix"`` -> ``"/some/prefix/"``: the URL path a release is served under, as the dev
    server's ``--base-path`` has it (the same rule: it goes into nginx.conf and HTML, so only plain
    path characters)."""
    return devserver.normalize_base_path(base_path)


def immutable_pattern(hash_length: int, pyodide_folder: str) -> str:
    """A regular expression (nginx's PCRE and Python's ``re`` alike) matching the end of the URL of
    every file whose path names its content: ``name.<hash>.ext``, ``<hash>/name``, Pyodide's folder."""
    h = f"[0-9a-f]{{{hash_length}}}"
    return rf"(\.{h}\.[^/]+|/{h}/[^/]+|/{re.escape(pyodide_folder.strip('/'))}/[^/]+)$"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _headers_block(cache_control: str, indent: str, isolation: str | None = None) -> str:
    """nginx's ``add_header`` lines of a location (a location's own replace every inherited one): its
    Cache-Control, and on every response (``always``: errors too) the CSP, ``nosniff`` and the
    isolation headers."""
    isolated = "".join(f"{indent}add_header {name} {_quote(value)} always;\n"
                       for name, value in devserver.isolation_headers(isolation).items())
    return (f"{indent}add_header Cache-Control {_quote(cache_control)};\n"
            f"{indent}add_header Content-Security-Policy {_quote(CONTENT_SECURITY_POLICY)} always;\n"
            f"{indent}add_header X-Content-Type-Options \"nosniff\" always;\n{isolated}")


def _types_block(mime_types: Mapping[str, str]) -> tuple[str, list[str]]:
    """nginx's ``types {}``: its default table with the site's extensions over it; and the types that
    get ``charset=utf-8``."""
    table: dict[str, str] = {}
    for line in NGINX_DEFAULT_TYPES.strip().splitlines():
        mime, *exts = line.strip().rstrip(";").split()
        table.update((ext, mime) for ext in exts)
    charset: list[str] = []
    for ext, value in mime_types.items():
        mime, _, params = value.partition(";")
        table[ext.lstrip(".")] = mime.strip()
        if "charset" in params and mime.strip() not in charset and mime.strip() != "text/html":
            charset.append(mime.strip())
    by_type: dict[str, list[str]] = {}
    for ext, mime in sorted(table.items()):
        by_type.setdefault(mime, []).append(ext)
    lines = "".join(f"    {mime} {' '.join(exts)};\n" for mime, exts in sorted(by_type.items()))
    return f"types {{\n{lines}}}\n", sorted({*charset, "text/javascript", "application/json"})


def bare_prefix_redirect(base_path: str) -> str:
    """The server-level nginx line that sends the bare prefix (``/some/prefix``) to the prefix with its
    slash; the include, inside ``location /some/prefix/``, never sees that URL. Empty for a site at /."""
    base = normalize_base_path(base_path)
    return "" if base == "/" else f"location = {base.rstrip('/')} {{ return 301 {base}; }}"


def _isolation_comment(isolation: str | None) -> str:
    if isolation is None:
        return "# - No Cross-Origin-Opener/Embedder-Policy: the app does not ask for cross-origin isolation.\n"
    return ("# - Every response is cross-origin isolated ([tool.jsinterop] isolation): Cross-Origin-Opener-Policy\n"
            f"#   same-origin and Cross-Origin-Embedder-Policy {isolation}.\n")


def nginx_conf(base_path: str, pyodide_folder: str, hash_length: int,
               mime_types: Mapping[str, str] = devserver.MIME_TYPES, isolation: str | None = None) -> str:
    """The nginx include of a release served under ``base_path``, with the dev server's content types;
    ``isolation`` (a COEP, or None) adds the cross-origin isolation headers to every response."""
    base = normalize_base_path(base_path)
    devserver.isolation_headers(isolation)  # an unknown value is refused before anything is written
    types, charset_types = _types_block(mime_types)
    hidden = "|".join(re.escape(name) for name in DEPLOY_FILES)
    example_root = "/srv/site"
    location = (f"    location / {{\n        root {example_root};\n        include {example_root}/nginx.conf;\n    }}"
                if base == "/" else
                f"    {bare_prefix_redirect(base)}\n"
                f"    location {base} {{\n        alias {example_root}/;\n        include {example_root}/nginx.conf;\n    }}")
    return f"""\
# nginx rules for this jsinterop release, served at {base}. Generated by ./build.sh release
# (--base-path {base}): rebuild rather than edit. Include it in the location of your server block that
# serves this folder ({example_root} stands for where you copied it):
#
{re.sub("(?m)^", "#", location)}
#
# - Files whose path names their content (a hash in the name or the folder, Pyodide's version folder)
#   are kept for a year and never revalidated (Cache-Control: {IMMUTABLE}).
# - Everything else (index.html, the other pages, jsinterop.mjs) is revalidated on every load
#   (Cache-Control: {REVALIDATE}; a 304 while unchanged), so a deploy is seen on the next page load.
# - .br and .gz siblings go to clients that accept them. brotli_static needs ngx_brotli's static module
#   (Debian: libnginx-mod-http-brotli-static); without it, delete the lines ending in "{BROTLI_MARK}".
# - A path without a file extension that names no file, or a folder without index.html, gets
#   index.html, with <base href="{base}"> so that client-side routes load from deep links; a missing
#   asset is a 404.
# - nginx's MIME table with the site's types over it (.wasm is application/wasm, .mjs text/javascript).
# - Symbolic links are not followed: the release has none, so one is not part of the site. nginx checks
#   every part of a file's path, so the folder must not be reached through a link either (ngx_brotli's
#   brotli_static ignores disable_symlinks' from=, google/ngx_brotli#134).
# - Every response carries the Content-Security-Policy the site is built for.
{_isolation_comment(isolation)}
default_type application/octet-stream;
{types}charset utf-8;
charset_types {' '.join(charset_types)};
index index.html {base}index.html;
absolute_redirect off;
disable_symlinks on;
gzip_static on;
brotli_static on;  {BROTLI_MARK}
gzip_vary on;

{_headers_block(REVALIDATE, "", isolation)}try_files $uri $uri/ {base}index.html;

# A folder whose name has an extension is not a route: like a missing asset, a 404.
location ~ "^{re.escape(base)}.*\\.[^/]*/$" {{
    return 404;
}}

# For deploying, not for browsers.
location ~ "/({hidden})$" {{
    return 404;
}}

# Named by their content: kept for good (a missing one is a plain 404, which nothing caches).
location ~ "{immutable_pattern(hash_length, pyodide_folder)}" {{
{_headers_block(IMMUTABLE, "    ", isolation)}    try_files $uri =404;
}}

# The entry page, also the answer to client-side routes: its base URL is the site's, so its relative
# URLs resolve from any depth (served uncompressed: the base tag is added on the way out).
location = {base}index.html {{
    gzip_static off;
    brotli_static off;  {BROTLI_MARK}
    sub_filter "<head>" "<head><base href=\\"{base}\\">";
    sub_filter_once on;
    sub_filter_last_modified on;
{_headers_block(REVALIDATE, "    ", isolation)}}}

# Other files (pages, jsinterop.mjs): revalidated on every load; a missing one is a 404, never a page.
location ~ "\\.[^/]*$" {{
{_headers_block(REVALIDATE, "    ", isolation)}    try_files $uri =404;
}}
"""


def without_brotli(conf: str) -> str:
    """``conf`` for an nginx without ngx_brotli's static module: gzip_static alone."""
    return "".join(line for line in conf.splitlines(keepends=True) if not line.rstrip().endswith(BROTLI_MARK))


# --- _headers ------------------------------------------------------------------------------------

def _folders(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _immutable_rules(files: Mapping[str, bool]) -> list[str]:
    """Path rules covering exactly the immutable files: ``folder/*`` where a whole folder is immutable
    (the shortest such folder), the file's own path elsewhere. Few rules: Cloudflare allows 100."""
    mixed = {folder for path, immutable in files.items() if not immutable for folder in _folders(path)}
    rules: set[str] = set()
    for path, immutable in files.items():
        if not immutable:
            continue
        whole = next((f for f in _folders(path) if f not in mixed), None)
        rules.add(f"{whole}/*" if whole else path)
    return sorted(rules)


def _entry_rules(files: Mapping[str, bool]) -> list[str]:
    """The URLs of entry points: each file, and the URLs hosts serve pages at (``folder/`` for an
    index.html, the name without ``.html`` for Cloudflare's pretty URLs)."""
    rules: set[str] = set()
    for path, immutable in files.items():
        if immutable:
            continue
        rules.add(path)
        if path == "index.html" or path.endswith("/index.html"):
            rules.add(path[: -len("index.html")])
        elif path.endswith(".html"):
            rules.add(path[: -len(".html")])
    return sorted(rules)


def headers_file(base_path: str, files: Mapping[str, bool], wasm_files: Iterable[str],
                 isolation: str | None = None) -> str:
    """``_headers`` for a release served at ``base_path``: ``files`` maps each served path to whether
    it is immutable. Cache-Control rules never overlap (these hosts join the values of overlapping rules).
    ``isolation`` (a COEP, or None) adds the cross-origin isolation headers to every path."""
    base = normalize_base_path(base_path)
    isolated = "".join(f"  {name}: {value}\n" for name, value in devserver.isolation_headers(isolation).items())
    blocks = [f"# Response headers for Netlify and Cloudflare Pages, for this jsinterop release served at {base}.\n"
              "# Generated by ./build.sh release: rebuild rather than edit. These hosts compress by themselves and\n"
              "# answer a path that names no file with 404.html (a copy of index.html), so client-side routes load.\n",
              f"{base}*\n  Content-Security-Policy: {CONTENT_SECURITY_POLICY}\n  X-Content-Type-Options: nosniff\n"
              f"{isolated}"]
    blocks += [f"{base}{rule}\n  Cache-Control: {REVALIDATE}\n" for rule in _entry_rules(files)]
    blocks += [f"{base}{rule}\n  Cache-Control: {IMMUTABLE}\n" for rule in _immutable_rules(files)]
    blocks += [f"{base}{path}\n  Content-Type: application/wasm\n" for path in sorted(wasm_files)]
    return "\n".join(blocks)
