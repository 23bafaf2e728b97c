"""`python -m scheduler` and the `confsched` script: the command line, with Ctrl-C caught from the moment the
package is imported (before that, the Python interpreter itself is starting).

Importing the command line (typer, rich, pandas, OR-Tools) takes about a second. A KeyboardInterrupt raised in the
middle of it is not reliably a KeyboardInterrupt by the time it arrives here: an extension module interrupted while
it loads raises ImportError instead, and a library that imports an optional module inside `except ImportError`
swallows it, so the command went on as if Ctrl-C had never been pressed (exit 0). While the import runs, Ctrl-C is
therefore only noted; once it is done, a noted Ctrl-C ends the command: "interrupted" and exit status 130, with
nothing opened or written yet.
"""

from __future__ import annotations

import signal
import sys

from . import clock  # noqa: F401  (first: the time limit counts from this moment)


def main() -> None:
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        from .cli import main as run
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
