"""A static scan of loader/, runtime/ and www/ for what the strict Content-Security-Policy
(``default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'self';
form-action 'self'``) forbids or what would let data become code: ``eval(``, ``new Function``/``Function(``,
``runJS``/``run_js``, ``innerHTML``/``outerHTML``/``insertAdjacentHTML``/``document.write``,
``setTimeout``/``setInterval`` with a string, inline ``on...=`` handlers, ``javascript:`` URLs, inline
scripts and styles, and in Python Python's own ``eval``/``exec``/``compile`` and HTML built from
unescaped values.

The scan is precise rather than a grep: JavaScript is tokenized (comments dropped, string, template
and regex literals told apart from code), Python is parsed (docstrings and comments are not code),
HTML is parsed. Each rule is also tested on small samples, both ways, so a scan that finds nothing
is a scan that works. What must be allowed is in ALLOWED, with the reason, and an entry that no
longer matches anything fails the test."""

from __future__ import annotations

import ast
import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("loader", "runtime", "www")
JS_SUFFIXES = (".mjs", ".js", ".d.mts", ".d.ts")
MARKUP_SUFFIXES = (".html", ".svg")

ALLOWED: dict[tuple[str, str], str] = {
    ("runtime/jsinterop/testing/fakedom.py", "unescaped value in HTML"):
        "FakeNode.markup() is the CPython fake DOM's read-out for unit tests (never sent to a page): its "
        "attribute values and text are escaped where they are built, and the tag names are those the "
        "renderer created elements with.",
    ("runtime/jsinterop/tool/hosting.py", "unescaped value in HTML"):
        "nginx_conf() writes nginx's configuration, not HTML (its `<...>` are placeholders in comments); "
        "its only value is the base path, which normalize_base_path() has checked.",
}
"""(file, rule) -> why it is allowed there."""


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.text.strip()[:100]}"


# --- JavaScript ----------------------------------------------------------------------------------

_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_REGEX_KEYWORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield",
                   "await", "instanceof"}


def split_js(source: str) -> tuple[str, str, list[tuple[int, str]]]:
    """(code, kept, strings): ``code`` is ``source`` without comments and with the insides of string,
    template and regex literals blanked (newlines kept, so lines still match); ``kept`` is ``source``
    without comments only; ``strings`` are the (line, text) of each string literal and of each
    literal part of a template."""
    out: list[str] = []
    kept: list[str] = []
    strings: list[tuple[int, str]] = []
    i, n = 0, len(source)
    last = ""  # the last significant code character or word, for telling a regex from a division
    template_depth: list[int] = []  # brace depth of each open ${...} of a template

    def blank(text: str) -> str:
        return re.sub(r"[^\n]", " ", text)

    def emit(code_text: str, kept_text: str | None = None) -> None:
        out.append(code_text)
        kept.append(code_text if kept_text is None else kept_text)

    def line_at(index: int) -> int:
        return source.count("\n", 0, index) + 1

    def read_template(start: int) -> int:
        """From just after a ` or a }, to the closing ` (returns after it) or a ${ (after it)."""
        j = start
        while j < n:
            c = source[j]
            if c == "\\":
                j += 2
                continue
            if c == "`":
                strings.append((line_at(start), source[start:j]))
                emit(blank(source[start:j]) + "`", source[start:j + 1])
                return j + 1
            if c == "$" and source.startswith("${", j):
                strings.append((line_at(start), source[start:j]))
                emit(blank(source[start:j]) + "${", source[start:j + 2])
                template_depth.append(0)
                return j + 2
            j += 1
        raise ValueError(f"unterminated template literal at line {line_at(start)}")

    while i < n:
        c = source[i]
        if c == "/" and source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "/" and source.startswith("/*", i):
            end = source.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"unterminated comment at line {line_at(i)}")
            emit(blank(source[i:end + 2]))
            i = end + 2
            continue
        if c in "'\"":
            j = i + 1
            while j < n and source[j] != c:
                if source[j] == "\n":
                    raise ValueError(f"unterminated string at line {line_at(i)}")
                j += 2 if source[j] == "\\" else 1
            strings.append((line_at(i), source[i + 1:j]))
            emit(c + blank(source[i + 1:j]) + c, source[i:j + 1])
            i, last = j + 1, "x"
            continue
        if c == "`":
            emit("`")
            i, last = read_template(i + 1), "x"
            continue
        if c == "/" and (last in _REGEX_AFTER or last in _REGEX_KEYWORDS):
            j, in_class = i + 1, False
            while j < n and (in_class or source[j] != "/"):
                if source[j] == "\n":
                    raise ValueError(f"unterminated regex at line {line_at(i)}")
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            emit("/" + blank(source[i + 1:j]) + "/", source[i:j + 1])
            i, last = j + 1, "x"
            continue
        if template_depth and c == "{":
            template_depth[-1] += 1
        elif template_depth and c == "}":
            if template_depth[-1] == 0:
                template_depth.pop()
                emit("}")
                i, last = read_template(i + 1), "x"
                continue
            template_depth[-1] -= 1
        if c.isalnum() or c in "_$":
            word = re.match(r"[\w$]+", source[i:]).group(0)
            emit(word)
            i, last = i + len(word), word if word in _REGEX_KEYWORDS else "x"
            continue
        emit(c)
        if not c.isspace():
            last = c
        i += 1
    return "".join(out), "".join(kept), strings


JS_CODE_RULES = [
    ("eval(", re.compile(r"(?<![\w$])eval\s*\(")),
    ("new Function / Function(", re.compile(r"\bnew\s+Function\b|(?<![\w$.])Function\s*\(")),
    ("runJS", re.compile(r"\brun(JS|_js)\b")),
    ("HTML parsing of strings", re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment)\b")),
    ("document.write", re.compile(r"\bdocument\s*\.\s*write(ln)?\b")),
    ("setTimeout/setInterval with a string", re.compile(r"\b(setTimeout|setInterval)\s*\(\s*[\"'`]")),
    ("inline handler attribute", re.compile(r"\bsetAttribute\s*\(\s*[\"'`]\s*on|\bsetAttributeNS\s*\([^,]*,\s*[\"'`]\s*on",
                                            re.I)),
    ("inline style", re.compile(r"\bsetAttribute\s*\(\s*[\"'`]\s*style\b|\bsetAttributeNS\s*\([^,]*,\s*[\"'`]\s*style\b",
                                re.I)),
    ("javascript: URL", re.compile(r"\bjavascript\s*:", re.I)),
]
"""Rules on JavaScript code (comments dropped, literals blanked; the setAttribute rules see the literals)."""

MARKUP_IN_STRINGS = [
    ("inline handler attribute", re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.I)),
    ("inline style", re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=|<style\b", re.I)),
    ("inline script", re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I)),
    ("javascript: URL", re.compile(r"^\s*javascript\s*:|[\"'=(]\s*javascript\s*:", re.I)),
]
"""Rules on the text of string literals (JavaScript and Python): markup that would carry code or style."""

CODE_NAMES_AS_STRINGS = re.compile(r"^(eval|Function|runJS|run_js|innerHTML|outerHTML|insertAdjacentHTML|"
                                   r"createContextualFragment)$")
"""A string that is exactly one of these names looks up the forbidden thing indirectly (``globalThis["eval"]``)."""


def scan_js(path: str, source: str) -> Iterator[Finding]:
    code, kept, strings = split_js(source)
    lines = source.split("\n")
    for rule, pattern in JS_CODE_RULES:
        # The setAttribute rules read the attribute name, a literal: they look at the code with its literals.
        view = kept if "setAttribute" in pattern.pattern else code
        for match in pattern.finditer(view):
            line = view.count("\n", 0, match.start()) + 1
            yield Finding(path, line, rule, lines[line - 1])
    yield from _scan_strings(path, strings)


def _scan_strings(path: str, strings: list[tuple[int, str]]) -> Iterator[Finding]:
    for line, text in strings:
        for rule, pattern in MARKUP_IN_STRINGS:
            if pattern.search(text):
                yield Finding(path, line, rule, text)
        if CODE_NAMES_AS_STRINGS.match(text):
            yield Finding(path, line, "forbidden name as a string", text)


# --- Python --------------------------------------------------------------------------------------

_PY_FORBIDDEN_CALLS = {"eval", "exec", "compile"}
_PY_FORBIDDEN_ATTRS = {"eval": "eval(", "exec": "eval(", "run_js": "runJS", "runJS": "runJS", "Function": "new Function / Function(",
                       "innerHTML": "HTML parsing of strings", "outerHTML": "HTML parsing of strings",
                       "insertAdjacentHTML": "HTML parsing of strings"}
_MARKUP_TEMPLATE = re.compile(r"<[a-z][a-z0-9-]*(\s+[a-z-]+\s*=|\s*/?>)|</([a-z][a-z0-9-]*|\{\})\s*>")
"""An f-string that builds HTML: a literal tag (``<td>``, ``<base href=``) or a closing tag (``</{tag}>``);
not ``Promise<{t}>``, ``(?P<{name}>...)`` or ``on <{tag}>`` in a message."""
_ESCAPERS = {"escape", "quote", "quote_plus", "dumps"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
        # Attribute docstrings: a string expression right after an assignment.
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                for prev, stmt in zip(stmts, stmts[1:]):
                    if (isinstance(prev, (ast.Assign, ast.AnnAssign)) and isinstance(stmt, ast.Expr)
                            and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
                        found.add(id(stmt.value))
    return found


def scan_python(path: str, source: str) -> Iterator[Finding]:
    tree = ast.parse(source, filename=path)
    lines = source.split("\n")
    docstrings = _docstrings(tree)
    parts_of_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        where = getattr(node, "lineno", 1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _PY_FORBIDDEN_CALLS:
            yield Finding(path, where, f"Python {node.func.id}(", lines[where - 1])
        elif ((isinstance(node, ast.Name) and node.id in ("run_js", "runJS"))
              or (isinstance(node, ast.ImportFrom) and any(a.name in ("run_js", "runJS") for a in node.names))):
            yield Finding(path, where, "runJS", lines[where - 1])
        elif isinstance(node, ast.Attribute) and node.attr in _PY_FORBIDDEN_ATTRS:
            yield Finding(path, where, _PY_FORBIDDEN_ATTRS[node.attr], lines[where - 1])
        elif (isinstance(node, ast.Attribute) and node.attr in ("write", "writeln")
              and isinstance(node.value, ast.Attribute | ast.Name) and getattr(node.value, "attr", getattr(node.value, "id", "")) == "document"):
            yield Finding(path, where, "document.write", lines[where - 1])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("setTimeout", "setInterval") and node.args
              and (isinstance(node.args[0], ast.JoinedStr)
                   or (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)))):
            yield Finding(path, where, "setTimeout/setInterval with a string", lines[where - 1])
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            if id(node) in docstrings or id(node) in parts_of_fstrings:
                continue
            text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            yield from _scan_strings(path, [(where, text)])
        elif isinstance(node, ast.JoinedStr):
            template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            yield from _scan_strings(path, [(where, template)])
            if _MARKUP_TEMPLATE.search(template):
                for value in node.values:
                    if isinstance(value, ast.FormattedValue) and not _escaped(value.value):
                        yield Finding(path, where, "unescaped value in HTML", lines[where - 1])
                        break


def _escaped(node: ast.AST) -> bool:
    """Whether a value put into markup went through an escaping function (html.escape, quote, json.dumps)."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _ESCAPERS
    return False


# --- HTML and SVG ----------------------------------------------------------------------------------

class _MarkupScanner(html.parser.HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.findings: list[Finding] = []
        self._in_script = False

    def _add(self, rule: str, text: str) -> None:
        self.findings.append(Finding(self.path, self.getpos()[0], rule, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self._add("inline handler attribute", f"<{tag} {name}=...>")
            if name == "style":
                self._add("inline style", f"<{tag} style=...>")
            if name == "srcdoc":
                self._add("inline document", f"<{tag} srcdoc=...>")
            if value and re.match(r"\s*javascript\s*:", value, re.I):
                self._add("javascript: URL", f"<{tag} {name}={value}>")
        if tag == "style":
            self._add("inline style", "<style>")
        if tag == "script":
            self._in_script = True
            if not dict(attrs).get("src"):
                self._add("inline script", f"<script {attrs}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self._add("inline script", data)


def scan_markup(path: str, source: str) -> Iterator[Finding]:
    scanner = _MarkupScanner(path)
    scanner.feed(source)
    scanner.close()
    yield from scanner.findings


def scan_css(path: str, source: str) -> Iterator[Finding]:
    without_comments = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), source, flags=re.S)
    for match in re.finditer(r"javascript\s*:|expression\s*\(|behavior\s*:", without_comments, re.I):
        yield Finding(path, without_comments.count("\n", 0, match.start()) + 1, "code in CSS", match.group(0))


def scan_file(path: str, source: str) -> list[Finding]:
    if path.endswith(JS_SUFFIXES):
        return list(scan_js(path, source))
    if path.endswith(".py"):
        return list(scan_python(path, source))
    if path.endswith(MARKUP_SUFFIXES):
        return list(scan_markup(path, source))
    if path.endswith(".css"):
        return list(scan_css(path, source))
    return []


def scanned_files() -> list[Path]:
    suffixes = (*JS_SUFFIXES, ".py", *MARKUP_SUFFIXES, ".css")
    return sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*")
                  if p.is_file() and p.name.endswith(suffixes)
                  and not any(part == "__pycache__" or part.endswith(".egg-info") for part in p.parts))


# --- the scan ------------------------------------------------------------------------------------

def test_the_sources_have_nothing_the_policy_forbids() -> None:
    files = scanned_files()
    names = {p.relative_to(ROOT).as_posix() for p in files}
    # The scan covers what it claims to: the loader, the runtime, the site's pages, scripts and styles.
    assert {"loader/channel.mjs", "loader/jsinterop.d.mts", "runtime/jsinterop/py_dispatcher.py",
            "runtime/jsinterop/tool/devserver.py", "www/index.html", "www/main.mjs", "www/style.css",
            "www/favicon.svg", "www/app/__init__.py", "www/bench/bench.js",
            "runtime/jsinterop/tool/templates/app/www/index.html",  # what `jsinterop new` writes, too
            "runtime/jsinterop/tool/templates/app/__app__/pages.py"} <= names
    findings = [f for p in files for f in scan_file(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))]
    used = {(f.path, f.rule) for f in findings if (f.path, f.rule) in ALLOWED}
    assert [str(f) for f in findings if (f.path, f.rule) not in ALLOWED] == []
    assert set(ALLOWED) - used == set(), "allowlist entries that match nothing any more: remove them"


def test_every_page_of_the_site_loads_scripts_and_styles_from_files() -> None:
    pages = sorted([*(ROOT / "www").rglob("*.html"), *(ROOT / "runtime/jsinterop/tool/templates").rglob("*.html")])
    assert len(pages) >= 7
    for page in pages:
        text = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>", text, re.I)
        assert scripts, f"{page.name} has no script"
        assert all(re.search(r'\bsrc="\./[^"]+\.m?js"', s) for s in scripts), (page.name, scripts)
        assert list(scan_markup(page.name, text)) == []


# --- the rules themselves, on samples ----------------------------------------------------------------

JS_CAUGHT = {
    "eval(": ["eval(code);", "globalThis.eval (x)", "const f = () => eval(`1`);"],
    "forbidden name as a string": ["window['eval'](x)", "globalThis[\"Function\"]('x')", "el['innerHTML'] = t"],
    "new Function / Function(": ["new Function('return 1')", "const f = Function('a', 'return a');", "new Function"],
    "runJS": ["pyodide.runJS('1')", "const { run_js } = x;"],
    "HTML parsing of strings": ["el.innerHTML = text;", "el.outerHTML = t", "el.insertAdjacentHTML('beforeend', t)",
                                "Object.assign(el, { innerHTML: t })", "range.createContextualFragment(t)"],
    "document.write": ["document.write('<p>')", "document . writeln(x)"],
    "setTimeout/setInterval with a string": ["setTimeout('alert(1)', 10)", "setInterval(`tick()`, 5)",
                                              'setTimeout( "x()" )'],
    "inline handler attribute": ["el.setAttribute('onclick', code)", 'el.setAttribute("ONLOAD", c)',
                                 "el.setAttributeNS(null, 'onload', c)",
                                 "const s = '<img src=x onerror=alert(1)>';", "t = `<a onclick=\"${f}\">`"],
    "inline style": ["el.setAttribute('style', s)", "x = '<div style=\"color:red\">'", "x = '<style>p{}</style>'",
                     "el.setAttributeNS(null, 'style', s)"],
    "inline script": ["x = '<script>alert(1)</script>'"],
    "javascript: URL": ["a.href = 'javascript:alert(1)'", "javascript: for (;;) {}", "x = '<a href=\"javascript:x\">'"],
}
JS_CLEAN = [
    "// eval( is forbidden; so is new Function and innerHTML, and setTimeout('x') or onclick=",
    "/* document.write(x); el.innerHTML = y; javascript:alert(1) */",
    "const result = evaluate(x); myEval(x); x.evaluated(1); retrieval(2);",
    "const message = 'call it with invokeMethodAsync: no eval here';",
    "setTimeout(run, 0); setTimeout(() => finish(new Error(`no ${mode} eval(`)), 10);",
    "el.textContent = text; el.setAttribute('data-on', x); el.setAttribute('aria-label', 'onclick=');",
    "const isFunction = typeof f === 'function'; class MyFunction {}; x.Function = 1;",
    "const re = /eval\\(|innerHTML/g; const half = a / b / c;",
    "el.addEventListener('click', handler); el.onclick = handler; el.style.color = 'red';",
    "const t = `${a}/${b}`; const u = `x${`y${'z'}`}`;",
    "if (x) return /[/]eval(/.test(s);",
]

PY_CAUGHT = {
    "Python eval(": ["eval(text)"],
    "Python exec(": ["exec(code, {})"],
    "Python compile(": ["compile(src, 'f', 'exec')"],
    "eval(": ["js.eval('1')", "import builtins\nbuiltins.exec('x')"],
    "runJS": ["from pyodide.code import run_js\nrun_js('1')", "pyodide.runJS('x')"],
    "new Function / Function(": ["js.Function.new('return 1')"],
    "HTML parsing of strings": ["element.innerHTML = text", "el.insertAdjacentHTML('beforeend', t)"],
    "document.write": ["js.document.write('<p>')"],
    "setTimeout/setInterval with a string": ["js.setTimeout('alert(1)', 0)", "js.setInterval(f'tick({n})', 5)"],
    "inline handler attribute": ["page = '<button onclick=\"go()\">'", "b = b'<body onload=x>'"],
    "inline style": ["page = '<p style=\"color: red\">'"],
    "inline script": ["page = '<script>alert(1)</script>'", "page = f'<script>{code}</script>'"],
    "javascript: URL": ["link = 'javascript:alert(1)'"],
    "unescaped value in HTML": ["page = f'<base href=\"{base}\">'", "row = f'<td>{name}</td>'", "t = f'<{tag}>{x}</{tag}>'"],
    "forbidden name as a string": ["getattr(js, 'eval')", "getattr(element, 'innerHTML')"],
}
PY_CLEAN = [
    '"""Never eval( or exec( data; no innerHTML, no onclick=, no <script>alert(1)</script>."""',
    "# eval(text) would be wrong; so would exec(code)\nx = 1",
    "result = evaluate(x); re.compile('a'); self.executor(1); model.eval_mode = 1",
    "page = f'<base href=\"{html.escape(base)}\">'",
    "row = f'<td>{escape(name)}</td>'",
    "text = f'<JSObjectReference #{self.id}>'; msg = f'import_module({name!r}, <its URL>) first'",
    "x = 'Record<string, number>'; y = f'Record<string, {inner}>'; z = f'Promise<{inner.ts}>'",
    "raise ValueError(f\"'{attr}' on <{tag}> would be an inline handler\")",
    "regex += f'(?P<{name}>{pattern})'",
    "VALUE = 1\n'''The value: not an eval( of anything.'''",
    "js.setTimeout(callback, 0)",
]


@pytest.mark.parametrize(("rule", "sample"), [(r, s) for r, samples in JS_CAUGHT.items() for s in samples])
def test_js_rules_catch(rule: str, sample: str) -> None:
    assert rule in {f.rule for f in scan_js("sample.mjs", sample)}


@pytest.mark.parametrize("sample", JS_CLEAN)
def test_js_rules_leave_clean_code_alone(sample: str) -> None:
    assert [str(f) for f in scan_js("sample.mjs", sample)] == []


@pytest.mark.parametrize(("rule", "sample"), [(r, s) for r, samples in PY_CAUGHT.items() for s in samples])
def test_python_rules_catch(rule: str, sample: str) -> None:
    assert rule in {f.rule for f in scan_python("sample.py", sample)}


@pytest.mark.parametrize("sample", PY_CLEAN)
def test_python_rules_leave_clean_code_alone(sample: str) -> None:
    assert [str(f) for f in scan_python("sample.py", sample)] == []


@pytest.mark.parametrize(("sample", "rule"), [
    ('<button onclick="go()">x</button>', "inline handler attribute"),
    ("<body ONLOAD=init()>", "inline handler attribute"),
    ('<p style="color:red">x</p>', "inline style"),
    ("<style>p { color: red }</style>", "inline style"),
    ("<script>alert(1)</script>", "inline script"),
    ('<script type="module">import "./x.mjs";</script>', "inline script"),
    ('<script type="module" src="./x.mjs">alert(1)</script>', "inline script"),
    ('<a href=" javascript:alert(1)">x</a>', "javascript: URL"),
    ('<iframe srcdoc="<p>x</p>"></iframe>', "inline document"),
    ('<svg><rect onload="x()"/></svg>', "inline handler attribute"),
])
def test_markup_rules_catch(sample: str, rule: str) -> None:
    assert rule in {f.rule for f in scan_markup("sample.html", sample)}


def test_markup_rules_leave_clean_pages_alone() -> None:
    page = ('<!doctype html><html><head><script type="module" src="./main.mjs"></script>'
            '<link rel="stylesheet" href="./style.css"><!-- no onclick=, no <script>alert(1)</script> --></head>'
            '<body><a href="./other.html" data-once="x">one</a><p>style= and onclick= as text</p></body></html>')
    assert list(scan_markup("page.html", page)) == []


def test_css_rules() -> None:
    assert {f.rule for f in scan_css("s.css", "a { background: url(javascript:alert(1)) }")} == {"code in CSS"}
    assert list(scan_css("s.css", "/* no expression( here */ a { color: red }")) == []
