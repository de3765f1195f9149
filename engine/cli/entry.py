"""The `cchc` program as the shell starts it (and `python -m engine.cli`): `main()`, then out.

A province's year of dossiers is millions of Python objects; at exit the interpreter would free them one by one,
a quarter of a second after the answer is printed, only for the operating system to take the whole memory back
anyway. So once everything else registered to run at exit has run (atexit runs last-registered first, and this is
registered before anything else), standard output and error are flushed and the process ends there. Tests and
other callers use `main()`, which returns its status and ends nothing.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

from engine.cli import main

# the status the process ends with, for the exit hook; an error Python reports itself (a traceback) is its 1
_status = [1]


def _end_here() -> None:
    code = _status[0]
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`cchc assess | head`): as Python says it at exit
            code = code or 120
    os._exit(code)


def run() -> NoReturn:
    atexit.register(_end_here)
    try:
        _status[0] = main()
    except SystemExit as exc:  # argparse: --help (0), a usage error (2)
        _status[0] = _status_of(exc.code)
        raise
    sys.exit(_status[0])


def _status_of(code: object) -> int:
    """The status Python gives `sys.exit(code)`: None is 0, a number itself, anything else (a message) 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1
