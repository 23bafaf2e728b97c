"""Run many confsched command lines, each in its own process, without paying Python's start-up for each.

Reads a JSON list of argument lists on stdin and writes a JSON list of {"code", "stdout", "stderr"} on stdout. The
package is imported once; then every command line runs in a forked child, through the same entry point as the
`confsched` script (scheduler.cli.main), with its own stdout, stderr and exit status. Starting a fresh interpreter
for each of the ~150 catalogue files would cost over a minute; forking costs milliseconds.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path


def run(argv: list[str], directory: str) -> dict:
    paths = [os.path.join(directory, name) for name in ("stdout", "stderr")]
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: becomes `confsched ARGV`
        code = 1
        try:
            for fd, path in zip((1, 2), paths, strict=True):
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, fd)
                os.close(target)
            sys.argv = ["confsched", *argv]
            from scheduler.cli import main

            try:
                main()
                code = 0
            except SystemExit as stop:
                if stop.code is None or isinstance(stop.code, int):
                    code = stop.code or 0
                else:
                    print(stop.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    outputs = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as stream:
            outputs.append(stream.read())
    return {"code": os.waitstatus_to_exitcode(status), "stdout": outputs[0], "stderr": outputs[1]}


def main() -> None:
    # the repository's own package, as `python -m scheduler` run from the repository root would import it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import typer.main

    import scheduler.cli

    # typer turns the app into a click command on every call (tens of milliseconds): build it once, before forking
    build = typer.main.get_command
    built = build(scheduler.cli.app)
    typer.main.get_command = lambda app: built if app is scheduler.cli.app else build(app)
    gc.freeze()  # children then leave the imported objects' pages shared instead of copying them (CPython's advice)

    commands = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as directory:
        results = [run(argv, directory) for argv in commands]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
