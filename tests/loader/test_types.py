"""The loader's TypeScript declarations (dist/jsinterop.d.mts) type-check a typical use with tsc."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def typecheck(dist: Path, folder: Path, name: str, source: str) -> subprocess.CompletedProcess:
    """Compile `source` as `name` beside the declarations of `dist`, with pinned tsc; no output."""
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    assert tsc.exists(), "TypeScript is missing: ./build.sh test installs it (npm ci)"
    for declarations in ("jsinterop.d.mts", "pyodide.d.ts", "ffi.d.ts"):
        shutil.copy(dist / declarations, folder / declarations)
    shutil.copytree(dist / "types", folder / "types", dirs_exist_ok=True)  # generated from @js_export
    (folder / "jsinterop.mjs").write_text("")  # the declarations stand for it
    (folder / name).write_text(source)
    return subprocess.run(
        [str(tsc), "--noEmit", "--pretty", "false", "--strict", "--skipLibCheck", "--target", "es2022",
         "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", name],
        cwd=folder, capture_output=True, text=True, timeout=120,
    )


def test_declarations_type_check(jsinterop_dist, tmp_path):
    usage = Path(__file__).with_name("types_usage.mts").read_text()
    proc = typecheck(jsinterop_dist, tmp_path, "usage.mts", usage)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_declarations_reject_wrong_use(jsinterop_dist, tmp_path):
    proc = typecheck(jsinterop_dist, tmp_path, "bad.mts",
                     'import { boot } from "./jsinterop.mjs";\nawait boot({ app: 3 });\n')
    assert proc.returncode != 0
    assert "bad.mts(2,14): error TS2322: Type 'number' is not assignable to type 'string" in proc.stdout, proc.stdout


def test_generated_export_types_check_calls(jsinterop_dist, tmp_path):
    source = """
import { boot } from "./jsinterop.mjs";
import type { AppTypedDemoExports } from "./types/app.typed_demo.js";
const rt = await boot({ app: "app.typed_demo" });
const ex = await rt.getPythonExports<AppTypedDemoExports>("app.typed_demo");
const greeting: string = ex.greeting();
const sum: number = ex.add(40, 2) + ex.app.typed_demo.add(1, 1);
void [greeting, sum];
// @ts-expect-error: add takes numbers
ex.add("40", 2);
// @ts-expect-error: greeting returns a string
const wrong: number = ex.greeting();
void wrong;
"""
    proc = typecheck(jsinterop_dist, tmp_path, "exports.mts", source)
    assert proc.returncode == 0, proc.stdout + proc.stderr
