"""Shared fixtures: the real seed case, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
RULES = ROOT / "rules"
SEED = CASES / "ha-giang-sonnptnt-2023"


@pytest.fixture(scope="session")
def seed():
    from engine.pipeline import prepare

    return prepare(SEED)
