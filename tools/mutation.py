"""Mutation testing of the scoring core, run before a release (docs/testing.md).

    pip install -e '.[test,mutation]'
    python tools/mutation.py              # the release gate: the scoring core's mutants (CORE below)
    python tools/mutation.py --all        # every mutant of the five core files (long: about an hour)
    python tools/mutation.py --check      # no run: compare the last run's results with docs/mutation.md
    python tools/mutation.py --survivors  # after adding tests: run the last survivors again, then check

mutmut (configured under [tool.mutmut] in pyproject.toml) changes the code one small step at a time
(`<` into `<=`, `min` into `max`, a constant, an argument dropped) and runs, for each change, the tests
that reach the changed function. A mutant the tests do not notice has "survived": either a test is
missing, or the change makes no difference (an equivalent mutant). Every survivor must be explained,
one line each, in docs/mutation.md; this script fails (exit 1) on a survivor without a line there, and
says which explanations no longer match a survivor (the code or the tests moved: review them).

Explanations are keyed by function and by the changed line before and after, not by mutmut's numbers,
which shift whenever a function changes.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLAINED = ROOT / "docs" / "mutation.md"

# The release gate: where a wrong comparison or constant changes points, statuses or the class.
CORE = [
    "engine.scoring.*",
    "engine.assess.x__classify__*",
    "engine.assess.x__status__*",
    "engine.dataset_requirements.x__mask__*",
    "engine.as_of_status.x_deadline_status__*",
    "engine.as_of_status.x_dossier_status__*",
]
EVERYTHING = ["engine.*"]  # mutmut only mutates the files [tool.mutmut] only_mutate names

KILLED = {"killed", "caught by type check", "timeout"}  # a timeout is a mutant that never finishes: noticed
ENTRY = re.compile(r"^- `(?P<where>[^`]+)` · `(?P<before>[^`]*)` → `(?P<after>[^`]*)` — (?P<why>\S.*)$")


@dataclass(frozen=True)
class Mutant:
    name: str
    status: str

    @property
    def where(self) -> str:
        """engine.assess.x__classify__mutmut_3 → engine.assess._classify; xǁAssessorǁ__init__ → Assessor.__init__."""
        module, _, function = self.name.rsplit("__mutmut_", 1)[0].rpartition(".")
        if function.startswith("xǁ"):
            function = function[2:].replace("ǁ", ".")
        elif function.startswith("x_"):
            function = function[2:]
        return f"{module}.{function}"


def mutmut(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"mutmut {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def results(patterns: list[str]) -> list[Mutant]:
    found = []
    for line in mutmut("results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and any(fnmatch.fnmatch(name, p) for p in patterns):
            found.append(Mutant(name, status))
    return found


def change(mutant: Mutant) -> tuple[str, str]:
    """The lines the mutant removes and adds, each group joined by " / ", whitespace trimmed."""
    diff = mutmut("show", mutant.name).splitlines()
    before = [d[1:].strip() for d in diff if d.startswith("-") and not d.startswith("---")]
    after = [d[1:].strip() for d in diff if d.startswith("+") and not d.startswith("+++")]
    return " / ".join(before), " / ".join(after)


def explanations() -> dict[tuple[str, str, str], str]:
    out = {}
    for line in EXPLAINED.read_text(encoding="utf-8").splitlines():
        m = ENTRY.match(line)
        if m:
            out[(m["where"], m["before"], m["after"])] = m["why"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every mutant of the core files, not only the gate")
    parser.add_argument("--check", action="store_true", help="do not run mutmut: check the last results")
    parser.add_argument("--survivors", action="store_true",
                        help="run again only the last run's survivors (after adding tests), then check")
    parser.add_argument("--max-children", type=int, default=None, help="parallel mutants (default: cores)")
    args = parser.parse_args()
    patterns = EVERYTHING if args.all else CORE

    started = time.monotonic()
    if not args.check:
        extra = ["--max-children", str(args.max_children)] if args.max_children else []
        names = [m.name for m in results(patterns) if m.status not in KILLED] if args.survivors else patterns
        print(f"mutmut run: {len(names)} {'survivors' if args.survivors else 'patterns'} …", flush=True)
        if names:
            mutmut("run", *extra, *names)
    took = time.monotonic() - started

    mutants = results(patterns)
    by_status = Counter(m.status for m in mutants)
    survivors = [m for m in mutants if m.status not in KILLED and m.status != "not checked"]
    known = explanations()
    seen, unexplained = set(), []
    for m in survivors:
        before, after = change(m)
        key = (m.where, before, after)
        if key in known:
            seen.add(key)
        else:
            unexplained.append((m, before, after))

    killed = sum(n for s, n in by_status.items() if s in KILLED)
    print(f"{len(mutants)} mutants: {killed} killed, {len(survivors) - len(unexplained)} survived and explained "
          f"in {EXPLAINED.relative_to(ROOT)}, {len(unexplained)} survived unexplained"
          + (f" ({took / 60:.1f} min)" if not args.check else ""))
    print("  by status: " + ", ".join(f"{s} {n}" for s, n in sorted(by_status.items())))
    for m, before, after in unexplained:
        print(f"UNEXPLAINED {m.name} ({m.status}): mutmut show {m.name}\n  - `{m.where}` · `{before}` → `{after}` — ?")
    functions = {m.where for m in mutants}  # explanations of functions outside this run are not judged
    stale = [k for k in known if k not in seen and k[0] in functions]
    for where, before, after in stale:
        print(f"no longer survives (remove or review): `{where}` · `{before}` → `{after}`")
    not_checked = by_status.get("not checked", 0)
    if not_checked:
        print(f"{not_checked} mutants not checked: the run was interrupted; run again to finish it")
    return 1 if unexplained or not_checked or not mutants else 0


if __name__ == "__main__":
    sys.exit(main())
