"""How the benchmarks start cchc and the tools it is compared with: as an installed copy runs.

pip writes bytecode (.pyc) when it installs cchc, so an installed `cchc` never compiles its own modules. Some
sandboxes set PYTHONDONTWRITEBYTECODE, which would make every child compile them again (~0.15 s a process):
the children run without it, and each benchmark runs a command once, uncounted, before timing it.
"""

from __future__ import annotations

import os

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
