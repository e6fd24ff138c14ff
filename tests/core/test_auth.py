from __future__ import annotations

import pytest

from precinct.core.access import AccessDenied, Actor, Purpose, PurposeRequired
from precinct.core.auth import (
    ROLE_PERMISSIONS,
    AccountError,
    Permission,
    Role,
    add_user,
    authenticate,
    hash_password,
    verify_password,
)
from precinct.core.db import Database


def test_passwords_are_argon2_and_verify() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "correct horsE")
    assert not verify_password("not-a-hash", "x")


def test_short_passwords_are_refused() -> None:
    with pytest.raises(AccountError, match="at least 8"):
        hash_password("short")


def test_authenticate(db: Database) -> None:
    with db.write() as session:
        add_user(session, "zhouyu", "s3cret-pass", Role.INVESTIGATOR, "周钰")
    with db.read() as session:
        assert authenticate(session, "zhouyu", "s3cret-pass") is not None
        assert authenticate(session, "zhouyu", "wrong-pass") is None
        assert authenticate(session, "nobody", "s3cret-pass") is None


def test_duplicate_usernames_are_refused(db: Database) -> None:
    with db.write() as session:
        add_user(session, "a", "password1", Role.VIEWER)
        with pytest.raises(AccountError, match="already exists"):
            add_user(session, "a", "password2", Role.ADMIN)


def test_every_role_has_permissions_and_only_admin_audits() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert [r for r in Role if Permission.AUDIT_VIEW in ROLE_PERMISSIONS[r]] == [Role.ADMIN]
    assert Permission.PERSON_VIEW not in ROLE_PERMISSIONS[Role.VIEWER]


def test_actor_require() -> None:
    Actor("a", Role.ANALYST).require(Permission.PERSON_VIEW)
    with pytest.raises(AccessDenied):
        Actor("v", Role.VIEWER).require(Permission.PERSON_VIEW)


@pytest.mark.parametrize(
    ("case", "reason", "ok"),
    [
        ("A420113", "", True),
        ("", "巡查核实", True),
        ("", "看看", False),
        ("", "   ", False),
    ],
)
def test_purpose_needs_case_or_reason(case: str, reason: str, ok: bool) -> None:
    purpose = Purpose.of(case, reason)
    if ok:
        purpose.require_stated()
    else:
        with pytest.raises(PurposeRequired):
            purpose.require_stated()
