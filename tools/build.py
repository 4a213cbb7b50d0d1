"""The repository's build entry (``./build.sh``): runs the build of :mod:`jsinterop.tool.build` from
the ``runtime/`` beside this file, so a copy of the sources builds with its own code.

Usage: python tools/build.py build|release [--dist DIR] [--base-path P]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "runtime"))

from jsinterop.tool.build import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
