"""What a case's evidence must satisfy against its scheme: the one check `cchc evidence check` and
`cchc assess` share, so that assess refuses exactly what check reports as errors.

Reading a case (`evidence.case.read_case`) checks each file on its own; this module checks what
only the scheme can tell: register rows, `not_applicable` and inputs.yaml naming criteria and
requirements that exist, entered values within the points they can score, owners that are units,
and task rows whose on-time state can be decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from engine.as_of_status import deadline_status
from engine.dataset_requirements import _mask
from engine.locations import find_scheme
from engine.scheme import Criterion, DeadlineRequirement, InputRequirement, Scheme, Score
from engine.scheme_loader import load_scheme
from evidence.case import CASE_FILE, UNITS_FILE, CaseRead, DatasetReader, Evidence, read_case
from evidence.formatting import points
from evidence.problems import InputError, Problem, did_you_mean
from evidence.register import link_problems, unknown_link

ONE = Decimal(1)


def case_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    """Every error of the evidence against the scheme (and the warnings only the scheme can tell, W056),
    each with its file and line or row."""
    problems = link_problems(evidence.documents, evidence.folder, {c.id: [r.id for r in c.requires]
                                                                   for c in scheme.criteria()})
    problems += _input_problems(scheme, evidence)
    problems += _not_applicable_problems(scheme, evidence)
    problems += official_problems(scheme, evidence)
    problems += appraisal_problems(scheme, evidence)
    problems += _owner_problems(scheme, evidence)
    problems += _undecided_rows(scheme, evidence)
    return problems


def _input_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    file = evidence.folder / (evidence.case.inputs or "inputs.yaml")
    criteria = [c.id for c in scheme.criteria()]
    problems = []
    default = file
    for (crit_id, req_id), entry in evidence.inputs.items():
        file = Path(entry.file) if entry.file else default  # a scenario's planned value names the scenario
        key = f"{crit_id}/{req_id}"
        crit = scheme.criterion(crit_id)
        req = crit.requirement(req_id) if crit else None
        if crit is None or req is None:
            known = [r.id for r in crit.requires if isinstance(r, InputRequirement)] if crit else criteria
            problems.append(Problem.of("E010", file=file, line=entry.line, hint=did_you_mean(
                req_id if crit else crit_id, known), what=unknown_link(crit_id, req_id,
                                                                         criterion_known=crit is not None)))
        elif not isinstance(req, InputRequirement):
            problems.append(Problem.of("E014", file=file, line=entry.line, key=key,
                                       detail=f"yêu cầu {req_id!r} của tiêu chí {crit_id!r} là loại {req.type}, "
                                              "không nhận giá trị nhập ngoài (chỉ yêu cầu type: input)"))
        elif req.unit == "ratio" and entry.value > ONE:
            problems.append(Problem.of("E014", file=file, line=entry.line, key=key, detail="tỷ lệ phải trong [0, 1]"))
        elif req.unit == "points":
            for cap, what in entered_caps(crit, req.id):
                if entry.value > cap:
                    problems.append(Problem.of("E060", file=file, line=entry.line, key=key,
                                               value=points(entry.value), max=points(cap), what=what))
    return problems


def entered_caps(crit: Criterion, req_id: str) -> Iterator[tuple[Decimal, str]]:
    """The maximum of each scoring part that scores `req_id`'s entered points, and its name."""
    def walk(score: Score, cap: Decimal, what: str) -> Iterator[tuple[Decimal, str]]:
        if score.method == "entered" and req_id in score.requires:
            yield cap, what
        for part in score.parts:
            yield from walk(part, part.max or Decimal(0), f"phần {part.id or part.label} của tiêu chí {crit.id}")

    yield from walk(crit.score, crit.max, f"tiêu chí {crit.id}")


def _not_applicable_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    criteria = [c.id for c in scheme.criteria()]
    lines = evidence.case_lines
    return [Problem.of("E010", file=evidence.folder / CASE_FILE,
                       line=lines.line(["not_applicable", crit_id]) if lines else None,
                       what=f"tiêu chí {crit_id!r} (khóa not_applicable)", hint=did_you_mean(crit_id, criteria))
            for crit_id in evidence.case.not_applicable if crit_id not in criteria]


def official_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    """`official.criteria`: each id a criterion of the scheme (E010), each score within [0, its max] (E070), and,
    when every criterion is recorded, their sum the official total (W056), each with case.yaml's line."""
    official = evidence.case.official
    if official is None or not official.criteria:
        return []
    file, lines = evidence.folder / CASE_FILE, evidence.case_lines
    known = {c.id: c for c in scheme.criteria()}
    problems = []
    for crit_id, value in official.criteria.items():
        line = lines.line(["official", "criteria", crit_id]) if lines else None
        crit = known.get(crit_id)
        if crit is None:
            problems.append(Problem.of("E010", file=file, line=line, hint=did_you_mean(crit_id, list(known)),
                                       what=f"tiêu chí {crit_id!r} (khóa official.criteria)"))
        elif not Decimal(0) <= value <= crit.max:
            problems.append(Problem.of("E070", file=file, line=line, criterion=crit_id, crit_id=crit_id,
                                       value=points(value), max=points(crit.max)))
    if not problems and set(official.criteria) == set(known):
        recorded = sum(official.criteria.values(), Decimal(0))
        if recorded != official.total:
            problems.append(Problem.of("W056", file=file, line=lines.line(["official", "criteria"]) if lines else None,
                                       sum=points(recorded), total=points(official.total)))
    return problems


def appraisal_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    """tham-dinh-thu.yaml against the scheme: each id a criterion (E010), its points within [0, its max] (E089;
    below 0 cannot be read at all, E086), and a warning for a criterion the case declares not applicable (W075),
    whose override is listed but cannot count. Each with the file's line."""
    if not evidence.appraisal:
        return []
    file = evidence.folder / (evidence.appraisal_file or "")
    known = {c.id: c for c in scheme.criteria()}
    problems = []
    for crit_id, override in evidence.appraisal.items():
        crit = known.get(crit_id)
        if crit is None:
            problems.append(Problem.of("E010", file=file, line=override.line, hint=did_you_mean(crit_id, list(known)),
                                       what=f"tiêu chí {crit_id!r} (thẩm định thử)"))
        elif override.points > crit.max:
            problems.append(Problem.of("E089", file=file, line=override.points_line, crit_id=crit_id,
                                       value=points(override.points), max=points(crit.max)))
        elif crit_id in evidence.case.not_applicable:
            problems.append(Problem.of("W075", file=file, line=override.line, crit_id=crit_id,
                                       value=points(override.points)))
    return problems


def _owner_problems(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    return [Problem.of("R005", criterion=crit.id, file=evidence.folder / UNITS_FILE, unit=unit,
                       hint=did_you_mean(unit, list(evidence.units)))
            for crit in scheme.criteria()
            for unit in sorted({*crit.owners, *(u for r in crit.requires for u in r.owner)})
            if unit not in evidence.units]


def _undecided_rows(scheme: Scheme, evidence: Evidence) -> list[Problem]:
    """E011: rows of a deadline requirement with neither due date nor status (no as-of date decides them)."""
    seen: dict[tuple[str, int], Problem] = {}
    for crit in scheme.criteria():
        for req in crit.requires:
            frame = evidence.datasets.get(req.dataset) if isinstance(req, DeadlineRequirement) else None
            if frame is None or frame.empty:
                continue
            rows = frame[_mask(frame, req.where)]
            file = frame.attrs.get("path") or str(evidence.folder / evidence.case.dataset_path(req.dataset))
            status, _ = deadline_status(rows, evidence.case.as_of, file)
            undecided = rows.loc[status == ""]
            row_files = undecided["_file"] if "_file" in undecided else [file] * len(undecided)
            for row, row_file in zip(undecided["_row"], row_files, strict=True):
                seen.setdefault((row_file, int(row)), Problem.of("E011", file=row_file, row=int(row)))
    return list(seen.values())


@dataclass
class CheckedCase:
    """A case read and checked against its scheme: `problems` are everything `evidence check`
    lists and, for errors, everything `assess` refuses; `scheme` is None when it did not load."""

    read: CaseRead
    scheme: Scheme | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check_against_scheme(folder: Path, *, load: Callable[..., Scheme] = load_scheme,
                         readers: Mapping[str, DatasetReader] | None = None) -> CheckedCase:
    """Read a case once, load its scheme, and check one against the other; raises only when case.yaml
    is unusable. Errors come first, then warnings. `load`: how the scheme is loaded (a run over many
    cases passes one that loads each scheme once); `readers`: datasets read another way (evidence.case)."""
    read = read_case(folder, readers=readers)
    evidence = read.evidence
    problems = list(read.problems)
    scheme: Scheme | None = None
    if read.units_ok:  # without units, owners cannot be checked and every unit cell would echo
        try:
            scheme = load(find_scheme(evidence.case.scheme, evidence.folder), units=set(evidence.units))
        except InputError as exc:  # rows cannot be checked against a scheme that does not load
            problems += exc.problems
    if scheme is not None:
        problems += case_problems(scheme, evidence)
    problems = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity == "warning"]
    return CheckedCase(read, scheme, problems)
