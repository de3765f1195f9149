"""Opening, accounts, sessions, the throttle, import and the score, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import SEED
from workspace.service import Invalid, LoginRefused, LoginThrottled, Role, Workspace


def test_the_seed_scores_as_the_cli_does(workspace) -> None:
    from engine.pipeline import run

    a = workspace.assessment()
    assert (a.total, a.classification) == (Decimal("75.66"), "Khá")
    assert a.total == run(SEED).total
    assert workspace.units()["thanh-tra"] == "Thanh tra Sở"
    assert not workspace.is_empty()


def test_thanh_tra_checklist_is_three_items_worth_1_75(workspace, tccb) -> None:
    unit = workspace.create_account(tccb, "thanhtra", "Thanh tra Sở", Role.UNIT, "thanh-tra", "mat-khau-thanh-tra")
    items = workspace.checklist(unit, "thanh-tra")
    assert len(items) == 3
    # each item's points are the engine's, rounded per item (1 + 0,38 + 0,38); the unit's total is the engine's
    # joint figure per criterion, as `cchc assess --unit thanh-tra` prints it
    assert [i.points for i in items] == [Decimal(1), Decimal("0.38"), Decimal("0.38")]
    a = workspace.assessment()
    assert a.stake_by_unit().get("thanh-tra", 0) + a.lost_by_unit()["thanh-tra"] == Decimal("1.75")
    assert [i.criterion for i in items] == ["2.2", "2.1", "2.1"]
    assert all(i.can_upload and i.state == "thiếu" for i in items)
    assert len({i.key for i in items}) == 3
    assert [i.key for i in workspace.checklist(tccb, "thanh-tra")] == [i.key for i in items]  # stable


def test_has_accounts_answers_cchc_serve_without_an_actor(data_dir, db_url) -> None:
    """`cchc serve` asks it before anyone signs in, to refuse starting when nobody could (C149)."""
    ws = Workspace.open(data_dir, db_url)
    try:
        ws.import_case(SEED)
        assert not ws.has_accounts()  # a case, but nobody to sign in
        account = ws.create_account(None, "tccb", "Phòng TCCB", Role.TCCB, None, "mat-khau-tccb-moi")
        assert ws.has_accounts()
        assert [a.username for a in ws.accounts(account)] == ["tccb"]  # asking created nothing
    finally:
        ws.close()


def test_login_session_logout(workspace, tccb_password) -> None:
    session = workspace.login("TCCB", tccb_password, "10.0.0.1")
    account, again = workspace.session(session.token)
    assert account.username == "tccb" and account.role is Role.TCCB and again.csrf == session.csrf
    assert session.token not in str(workspace.audit_log(account))  # only its hash is kept
    workspace.logout(session.token)
    assert workspace.session(session.token) is None
    assert workspace.session("not-a-token") is None


def test_unknown_user_and_wrong_password_are_refused_alike(workspace) -> None:
    with pytest.raises(LoginRefused) as unknown:
        workspace.login("nobody", "whatever-password", "10.0.0.2")
    with pytest.raises(LoginRefused) as wrong:
        workspace.login("tccb", "wrong-password", "10.0.0.3")
    assert unknown.value.message == wrong.value.message


def test_five_failures_throttle_the_username_even_with_the_right_password(workspace, tccb_password) -> None:
    for n in range(5):
        with pytest.raises(LoginRefused):
            workspace.login("tccb", "wrong-password", f"10.0.1.{n}")
    with pytest.raises(LoginThrottled) as throttled:
        workspace.login("tccb", tccb_password, "10.0.2.1")
    assert 0 < throttled.value.retry_after <= 15 * 60
    assert "thử lại sau" in throttled.value.message


def test_five_failures_from_one_client_throttle_that_client(workspace, tccb_password) -> None:
    for n in range(5):
        with pytest.raises(LoginRefused):
            workspace.login(f"user{n}", "wrong-password", "10.9.9.9")
    with pytest.raises(LoginThrottled):
        workspace.login("tccb", tccb_password, "10.9.9.9")
    assert workspace.login("tccb", tccb_password, "10.9.9.8").token  # another client still may


def test_an_inactive_account_loses_its_session_and_cannot_log_in(workspace, tccb) -> None:
    unit = workspace.create_account(tccb, "vanphong", "Văn phòng", Role.UNIT, "van-phong", "mat-khau-van-phong")
    session = workspace.login("vanphong", "mat-khau-van-phong", "10.0.0.5")
    workspace.set_active(tccb, unit.id, False)
    assert workspace.session(session.token) is None
    with pytest.raises(LoginRefused):
        workspace.login("vanphong", "mat-khau-van-phong", "10.0.0.5")


@pytest.mark.parametrize(("username", "password", "role", "unit", "code"), [
    ("a b", "mat-khau-du-dai", Role.TCCB, None, "C105"),
    ("ok-name", "ngan", Role.TCCB, None, "C106"),
    ("ok-name", "", Role.TCCB, None, "C129"),
    ("ok-name", "mat-khau-du-dai", Role.UNIT, None, "C107"),
    ("ok-name", "mat-khau-du-dai", Role.UNIT, "thanh-traa", "C107"),
    ("tccb", "mat-khau-du-dai", Role.VIEWER, None, "C104"),
])
def test_accounts_refused(workspace, tccb, username, password, role, unit, code) -> None:
    with pytest.raises(Invalid) as refused:
        workspace.create_account(tccb, username, "Tên", role, unit, password)
    assert refused.value.code == code


def test_only_tccb_manages_accounts(workspace, tccb) -> None:
    from workspace.service import Forbidden

    viewer = workspace.create_account(tccb, "lanhdao", "Lãnh đạo Sở", Role.VIEWER, None, "mat-khau-lanh-dao")
    with pytest.raises(Forbidden):
        workspace.accounts(viewer)
    with pytest.raises(Forbidden):
        workspace.create_account(viewer, "x-y", "X", Role.TCCB, None, "mat-khau-du-dai")
    assert [a.username for a in workspace.accounts(tccb)] == ["lanhdao", "tccb"]


def test_a_second_import_is_refused_and_reopening_keeps_everything(workspace, data_dir, db_url, tccb_password) -> None:
    with pytest.raises(Invalid) as again:
        workspace.import_case(SEED)
    assert again.value.code == "C108"
    workspace.close()
    reopened = Workspace.open(data_dir, db_url)
    try:
        assert reopened.login("tccb", tccb_password, "127.0.0.1").token
        assert reopened.assessment().total == Decimal("75.66")
    finally:
        reopened.close()
