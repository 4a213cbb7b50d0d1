"""``python -m jsinterop``: the `jsinterop` command (see :mod:`jsinterop.tool.cli`)."""

import sys

from jsinterop.tool.cli import main

sys.exit(main())
