"""Loading the heavy libraries once per process with the cyclic garbage collector paused.

Importing pandas, pyarrow, pydantic and cchc's own modules creates some 140.000 objects that live as long
as the process. With the collector on, every few hundred new objects trigger a collection, and the older
generations, which traverse the whole growing heap, run again and again: about a fifth of `cchc assess`'s CPU
time on the seed case goes to scanning objects that are never garbage. Paused while loading, then everything
loaded is frozen (`gc.freeze`: moved where collections never look again) and the collector is back on for the
work itself, which then scans only what the work creates. The price: the few cycles that importing leaves
unreachable (about a thousand objects) are never freed.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading_libraries() -> Iterator[None]:
    """Wrap the imports of a command that reads and scores a case. Only the first load in a process is
    changed: once pandas is loaded (a second command in the same process, the test suite) this does nothing."""
    if "pandas" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
