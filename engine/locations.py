"""Where the rule sets and cases are: the working folder's own, else the copy cchc carries.

After a non-editable `pip install .` the wheel holds a copy of `rules/` and `cases/` (engine/_data).
An author editing `./rules` must have *that* checked, never the copy: so a working folder that has
`rules/` (or `cases/<name>`) wins, and messages name files as the author sees them, never a path
inside site-packages.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from evidence.problems import InputError, Problem, did_you_mean

_PACKAGE = Path(__file__).resolve().parent
INSTALLED = _PACKAGE / "_data"  # put there by the wheel build (pyproject force-include)
DEFAULT_CASE = "ha-giang-sonnptnt-2023"
SCHEME_FILE = "scheme.yaml"
CASE_FILE = "case.yaml"


def packaged(name: str, installed: Path | None = None) -> Path:
    """The copy cchc carries: the wheel's data, or the source tree cchc runs from."""
    data = installed or INSTALLED  # read at call time, so a test can stand in for site-packages
    return data / name if (data / name).is_dir() else _PACKAGE.parent / name


def _has_schemes(folder: Path) -> bool:
    return folder.is_dir() and any((p / SCHEME_FILE).is_file() for p in folder.iterdir())


def working_rules(cwd: Path | None = None) -> Path | None:
    """`./rules` when the working folder has one holding a scheme, else None."""
    folder = (cwd or Path.cwd()) / "rules"
    return folder if _has_schemes(folder) else None


def rules_root(cwd: Path | None = None, installed: Path | None = None) -> Path:
    """Where rule commands look without a path: `./rules` first, else the carried copy."""
    return working_rules(cwd) or packaged("rules", installed)


def rules_roots(cwd: Path | None = None, installed: Path | None = None) -> list[Path]:
    """Where a scheme named in case.yaml is looked up, in order."""
    return list(dict.fromkeys(p for p in (working_rules(cwd), packaged("rules", installed)) if p is not None))


def cases_roots(cwd: Path | None = None, installed: Path | None = None) -> list[Path]:
    own = (cwd or Path.cwd()) / "cases"
    return list(dict.fromkeys(p for p in (own, packaged("cases", installed)) if p.is_dir()))


def cases_root() -> Path:
    return packaged("cases")


def shown(path: Path | str, cwd: Path | None = None, installed: Path | None = None) -> str:
    """A path as the author knows it: relative to the working folder, and a file of the carried
    copy by its place in the source tree (`rules/<bộ>/fields/…`), never inside site-packages."""
    where = Path(path)
    if not where.is_absolute():
        return str(path)
    resolved = where.resolve()
    for base in ((installed or INSTALLED).resolve(), (cwd or Path.cwd()).resolve()):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(path)


def find_case(name_or_path: str | None, *, cwd: Path | None = None, installed: Path | None = None) -> Path:
    """A case folder given as a path, else by name in `./cases`, else among the cases cchc carries."""
    here = cwd or Path.cwd()
    name = name_or_path or DEFAULT_CASE
    given = Path(name) if cwd is None or Path(name).is_absolute() else here / name  # as typed, when it can be
    if name_or_path is not None and given.is_dir():
        return given
    roots = cases_roots(here, installed)
    for root in roots:
        if (root / name / CASE_FILE).is_file():
            return root / name
    known = sorted({p.name for root in roots for p in root.iterdir() if (p / CASE_FILE).is_file()})
    raise InputError(Problem.of("C002", name=name, hint=did_you_mean(name, known) or
                                f" (có: {', '.join(known)})"))


def _is_plain_name(name: str) -> bool:
    return name not in ("", ".", "..") and len(PurePosixPath(name).parts) == 1 \
        and len(PureWindowsPath(name).parts) == 1


def _scheme_line(case_folder: Path) -> int | None:
    from evidence.yaml_lines import load_yaml

    try:
        _, index = load_yaml(case_folder / CASE_FILE)
    except InputError:
        return None
    return index.line(["scheme"])


def find_scheme(name: str, case_folder: Path, *, cwd: Path | None = None, installed: Path | None = None) -> Path:
    """The scheme a case names: a scheme name (in `./rules`, then the rules cchc carries, then a
    folder of that name in the case), or a relative folder inside the case folder. Nothing else:
    an absolute path or `../` would load rules from outside the case (E005)."""
    case_file = case_folder / CASE_FILE
    if _is_plain_name(name):
        candidates = [root / name for root in rules_roots(cwd, installed)] + [case_folder / name]
    else:
        inside = (case_folder / name).resolve()
        if Path(name).is_absolute() or PureWindowsPath(name).is_absolute() or \
                not inside.is_relative_to(case_folder.resolve()):
            raise InputError(Problem.of("E005", file=case_file, line=_scheme_line(case_folder), path=name))
        candidates = [inside]
    for candidate in candidates:
        if (candidate / SCHEME_FILE).is_file():
            return candidate
    known = sorted({p.name for root in rules_roots(cwd, installed) for p in root.iterdir()
                    if (p / SCHEME_FILE).is_file()})
    raise InputError(Problem.of("R011", file=case_file, line=_scheme_line(case_folder), name=name,
                                hint=did_you_mean(name, known) or f" (có: {', '.join(known)})"))
