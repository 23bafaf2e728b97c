"""`python -m scheduler` and the `confsched` script: the command line, with Ctrl-C caught from the moment the
package is imported (before that, the Python interpreter itself is starting).

Importing the command line (typer, rich, pandas, OR-Tools) takes about a second; a Ctrl-C then would end in a
traceback, so the import happens here, where it is caught like a Ctrl-C at any later moment (scheduler.cli.main):
"interrupted" and exit status 130. The package's own import is quick for this reason (scheduler/__init__.py).
"""

from __future__ import annotations

import os
import sys

from . import clock  # noqa: F401  (first: the time limit counts from this moment)
from .errors import after_ctrl_c


def main() -> None:
    try:
        from .cli import main as run
    except BaseException as error:  # an extension module interrupted while it loads raises ImportError
        if not after_ctrl_c(error):
            raise
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        # nothing is open or written yet; and a Ctrl-C inside an extension module's start-up leaves CPython marked
        # to end by SIGINT however it exits (status -2, not 130), unless it ends here
        os._exit(130)
    run()


if __name__ == "__main__":
    main()
