"""The app-author toolchain: the `jsinterop` command (new, build, serve, test, release, bench), the
build, the release layout, the dev server and the project templates.

Host-only: nothing in the page imports this package (the page's modules never import it, and the
memory snapshot does not freeze it); a test checks both.
"""
