"""Shared fixtures: the real seed case, loaded once per session."""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
RULES = ROOT / "rules"
SEED = CASES / "ha-giang-sonnptnt-2023"


def _durable_available() -> bool:
    from engine.matching.durable_matcher import load_durable

    try:
        load_durable()
    except (ImportError, OSError):  # Python 3.13: durable-rules 2.0.28 does not load
        return False
    return True


# cchc's YAML loader reads decimals as Decimal (exactly as typed); tests that edit a loaded file and write
# it back with PyYAML need the dumper to write them as the plain decimals they were.
yaml.SafeDumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f")))

DURABLE = _durable_available()
EXPECTED_MATCHER = "durable-rules" if DURABLE else "python"
# CI's Python 3.13 run builds the patched durable-rules first (.ci/run): without this check a failed build
# would pass quietly on the plain matcher, and the differential tests durable = plain would all skip.
if os.environ.get("CCHC_REQUIRE_DURABLE") == "1" and not DURABLE:
    raise pytest.UsageError(f"CCHC_REQUIRE_DURABLE=1 nhưng durable-rules không nạp được trên Python "
                            f"{sys.version.split()[0]}; chạy `cchc doctor` để xem lý do")


@pytest.fixture(scope="session")
def seed():
    from engine.pipeline import prepare

    return prepare(SEED)
