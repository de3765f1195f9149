"""Accounts (argon2id through argon2-cffi), sessions and the login throttle."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from evidence.problems import did_you_mean
from workspace import audit
from workspace.db.models import AccountRow, LoginFailure, SessionRow
from workspace.errors import Invalid, LoginRefused, LoginThrottled
from workspace.store import Store
from workspace.types import Account, Role, Session

MIN_PASSWORD = 10
SESSION_LIFETIME = timedelta(hours=8)
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FAILURES = 5  # per username, and per client, within the window
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a refusal takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_account(row: AccountRow) -> Account:
    return Account(row.id, row.username, row.full_name, Role(row.role), row.unit, row.active)


def create(store: Store, actor: str | None, username: str, full_name: str, role: Role, unit: str | None,
           password: str, units: dict[str, str]) -> Account:
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise Invalid("C105", username=username)
    if not password:
        raise Invalid("C129")
    if len(password) < MIN_PASSWORD:
        raise Invalid("C106", minimum=MIN_PASSWORD)
    role = Role(role)
    if role is Role.UNIT and (unit not in units):
        raise Invalid("C107", unit=unit or "", hint=did_you_mean(unit or "", list(units)))
    if role is not Role.UNIT and unit is not None and unit not in units:
        raise Invalid("C130", unit=unit, hint=did_you_mean(unit, list(units)))
    row = AccountRow(username=username, full_name=full_name.strip() or username, role=role.value, unit=unit,
                     active=True, password_hash=_hasher.hash(password), created_at=audit.now())
    try:
        with store.write() as session:
            session.add(row)
            session.flush()
            audit.record(session, actor, "account.create", f"account:{username}",
                         after={"username": username, "full_name": row.full_name, "role": role.value, "unit": unit})
    except IntegrityError:
        raise Invalid("C104", username=username) from None
    return as_account(row)


def set_active(store: Store, actor: str, account_id: int, active: bool) -> bool:
    """False: no such account."""
    with store.write() as session:
        row = session.get(AccountRow, account_id)
        if row is None:
            return False
        before = row.active
        row.active = active
        if not active:
            session.execute(delete(SessionRow).where(SessionRow.account_id == account_id))
        audit.record(session, actor, "account.active", f"account:{row.username}", before={"active": before},
                     after={"active": active})
    return True


def _throttled(session: DbSession, username: str, client: str) -> int:
    """Seconds until a login may be tried again; 0 when it may now."""
    since = audit.now() - THROTTLE_WINDOW
    retry = 0
    for column, value in ((LoginFailure.username, username), (LoginFailure.client, client)):
        recent = select(LoginFailure.at).where(column == value, LoginFailure.at > since)
        count = session.scalar(select(func.count()).select_from(recent.subquery())) or 0
        if count >= THROTTLE_FAILURES:
            oldest = session.scalar(select(func.min(LoginFailure.at)).where(column == value, LoginFailure.at > since))
            retry = max(retry, int((oldest + THROTTLE_WINDOW - audit.now()).total_seconds()) + 1)
    return retry


def login(store: Store, username: str, password: str, client: str) -> Session:
    username = username.strip().lower()[:64]
    client = client[:100]
    with store.read() as session:
        retry = _throttled(session, username, client)
        row = session.scalar(select(AccountRow).where(AccountRow.username == username))
    if retry:
        raise LoginThrottled(retry)
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        ok = row is not None and row.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with store.write(case=False) as session:
            session.add(LoginFailure(username=username, client=client, at=audit.now()))
            audit.record(session, None, "login.refused", f"account:{username}", after={"client": client})
        raise LoginRefused("C100")
    assert row is not None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = audit.now() + SESSION_LIFETIME
    with store.write(case=False) as session:
        session.add(SessionRow(token_hash=token_hash(token), account_id=row.id, csrf=csrf, expires_at=expires))
        session.execute(delete(LoginFailure).where(or_(LoginFailure.username == username,
                                                       LoginFailure.at < audit.now() - THROTTLE_WINDOW)))
        session.execute(delete(SessionRow).where(SessionRow.expires_at < audit.now()))
        if _hasher.check_needs_rehash(row.password_hash):
            session.get(AccountRow, row.id).password_hash = _hasher.hash(password)  # type: ignore[union-attr]
        audit.record(session, username, "login", f"account:{username}", after={"client": client})
    return Session(token, csrf, expires)


def session_of(store: Store, token: str) -> tuple[Account, Session] | None:
    with store.read() as session:
        found = session.get(SessionRow, token_hash(token))
        if found is None or found.expires_at <= audit.now():
            return None
        row = session.get(AccountRow, found.account_id)
        if row is None or not row.active:
            return None
        return as_account(row), Session(token, found.csrf, found.expires_at)


def logout(store: Store, token: str) -> None:
    with store.write(case=False) as session:
        found = session.get(SessionRow, token_hash(token))
        if found is not None:
            row = session.get(AccountRow, found.account_id)
            session.delete(found)
            audit.record(session, row.username if row else None, "logout", f"account:{row.username if row else '?'}")


def all_accounts(store: Store) -> list[Account]:
    with store.read() as session:
        return [as_account(r) for r in session.scalars(select(AccountRow).order_by(AccountRow.username))]
