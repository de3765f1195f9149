"""`cchc verify`: run a saved result again from its case and say whether it is the same, and if not, why.

The saved result's manifest (engine/reports/json_result.py `manifest`) names the case, as-of date, matcher,
unit, and the SHA-256 of every rule file and evidence file. The run is repeated with the same settings;
the files whose hash changed are named first (the cause), then the figures that differ (the effect).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.history import HISTORY_DIR
from engine.locations import find_case
from engine.pipeline import assessor, prepare
from engine.reports.json_result import render
from evidence.case import CASE_FILE
from evidence.formatting import points
from evidence.problems import InputError, Problem

FIGURES = {"total": "tổng điểm", "max": "điểm tối đa", "index_percent": "chỉ số %", "classification": "xếp loại",
           "reachable": "điểm tối đa còn đạt", "lost": "điểm đã mất"}


@dataclass
class Verdict:
    identical: bool
    case_folder: Path
    differences: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _load(path: Path) -> dict[str, Any]:
    def refuse(detail: str) -> InputError:
        return InputError(Problem.of("C029", file=path, path=str(path), detail=detail))

    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise refuse("không có tệp này") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise refuse(f"không phải JSON ({str(exc)[:120]})") from None
    manifest = data.get("manifest") if isinstance(data, dict) else None
    needed = ("case", "as_of", "matcher", "scheme", "evidence_sha256", "cchc_version")
    if not isinstance(manifest, dict) or any(k not in manifest for k in needed) \
            or not isinstance(manifest["scheme"], dict) or not isinstance(manifest["evidence_sha256"], dict):
        raise refuse("không có bản kê (manifest) của cchc; tạo bằng cchc assess --format json hoặc --save")
    try:
        date.fromisoformat(str(manifest["as_of"]))
    except ValueError:
        raise refuse(f"mốc đánh giá {manifest['as_of']!r} không đọc được") from None
    return data


def _case_folder(path: Path, manifest: dict[str, Any], case: str | None) -> Path:
    if case is not None:
        return find_case(case)
    home = path.resolve().parent
    if home.name == HISTORY_DIR and (home.parent / CASE_FILE).is_file():  # a run kept by `assess --save`
        return home.parent
    return find_case(str(manifest["case"]))


def _changed(saved: dict[str, str], now: dict[str, str]) -> list[str]:
    out = [f"{name} (đã sửa)" for name in sorted(set(saved) & set(now)) if saved[name] != now[name]]
    out += [f"{name} (mới có)" for name in sorted(set(now) - set(saved))]
    out += [f"{name} (không còn)" for name in sorted(set(saved) - set(now))]
    return out


def _shown(value: object) -> str:
    return points(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else str(value)


def verify(path: Path, case: str | None = None) -> Verdict:
    saved = _load(path)
    manifest = saved["manifest"]
    folder = _case_folder(path, manifest, case)
    scheme, evidence = prepare(folder)
    prefer = "durable" if manifest["matcher"] == "durable-rules" else "python"
    result = assessor(scheme, evidence, prefer=prefer).assess(evidence, as_of=date.fromisoformat(manifest["as_of"]))
    unit = manifest.get("unit")
    if unit and unit in evidence.units:
        result = result.for_unit(unit)
    now = json.loads(render(result), parse_float=Decimal)
    verdict = Verdict(identical=False, case_folder=folder)
    if now["manifest"]["cchc_version"] != manifest["cchc_version"]:
        verdict.warnings.append(Problem.of("W059", file=path, saved=manifest["cchc_version"],
                                           current=now["manifest"]["cchc_version"]))
    if now["manifest"]["case"] != manifest["case"]:
        verdict.differences.append(f"Hồ sơ khác: đã lưu {manifest['case']}, đang chấm {now['manifest']['case']}")
    files = _changed(manifest["evidence_sha256"], now["manifest"]["evidence_sha256"])
    if files:
        verdict.differences.append("Tệp hồ sơ đã thay đổi: " + "; ".join(files))
    was, scheme_now = manifest["scheme"], now["manifest"]["scheme"]
    if (was.get("id"), was.get("version")) != (scheme_now["id"], scheme_now["version"]):
        verdict.differences.append(f"Bộ tiêu chí khác: đã lưu {was.get('id')} {was.get('version')}, "
                                   f"đang dùng {scheme_now['id']} {scheme_now['version']}")
    if was.get("rules_sha256") != scheme_now["rules_sha256"]:
        rules = _changed(was.get("rule_files_sha256") or {}, scheme_now["rule_files_sha256"])
        verdict.differences.append(f"Bộ tiêu chí {scheme_now['id']} đã thay đổi (SHA-256 luật khác)"
                                   + (": " + "; ".join(rules) if rules else ""))
    if now["manifest"]["matcher"] != manifest["matcher"]:
        verdict.differences.append(f"Bộ so khớp khác: đã lưu {manifest['matcher']}, đang dùng "
                                   f"{now['manifest']['matcher']}")
    figures = [f"{label}: {_shown(saved.get(key))} → {_shown(now[key])}" for key, label in FIGURES.items()
               if saved.get(key) != now[key]]
    before = {c.get("id"): c.get("points") for c in saved.get("criteria", []) if isinstance(c, dict)}
    figures += [f"tiêu chí {c['id']}: {_shown(before.get(c['id'], '—'))} → {_shown(c['points'])}"
                for c in now["criteria"] if before.get(c["id"]) != c["points"]]
    if figures:
        verdict.differences.append("Số liệu khác: " + "; ".join(figures))
    rest = {k for k in (set(saved) | set(now)) - {"scenario"} if saved.get(k) != now.get(k)}
    if rest and not figures:
        verdict.differences.append("Nội dung khác (không đổi điểm): " + ", ".join(sorted(rest)))
    verdict.identical = not verdict.differences and not rest
    return verdict
