"""Accounts, argon2 password hashes, roles and the permissions each role grants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from precinct.core import audit
from precinct.core.db import Base, utcnow
from precinct.core.enums import enum_column


class Role(StrEnum):
    ADMIN = "admin"
    INVESTIGATOR = "investigator"
    ANALYST = "analyst"
    TRAFFIC = "traffic"
    SERVICE_CLERK = "service_clerk"
    VIEWER = "viewer"


class Permission(StrEnum):
    DASHBOARD = "dashboard"
    PERSON_VIEW = "person_view"
    CAMERA_VIEW = "camera_view"
    ALARM_VIEW = "alarm_view"
    CASE_VIEW = "case_view"
    CASE_EDIT = "case_edit"
    RING_VIEW = "ring_view"
    DATA_IMPORT = "data_import"
    AUDIT_VIEW = "audit_view"
    FLEET_VIEW = "fleet_view"
    FLEET_EDIT = "fleet_edit"
    USER_ADMIN = "user_admin"


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.INVESTIGATOR: frozenset(
        {
            Permission.DASHBOARD,
            Permission.PERSON_VIEW,
            Permission.CAMERA_VIEW,
            Permission.ALARM_VIEW,
            Permission.CASE_VIEW,
            Permission.CASE_EDIT,
            Permission.FLEET_VIEW,
            Permission.RING_VIEW,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Permission.DASHBOARD,
            Permission.PERSON_VIEW,
            Permission.CAMERA_VIEW,
            Permission.ALARM_VIEW,
            Permission.CASE_VIEW,
            Permission.DATA_IMPORT,
            Permission.FLEET_VIEW,
            Permission.RING_VIEW,
        }
    ),
    Role.TRAFFIC: frozenset(
        {
            Permission.DASHBOARD,
            Permission.CAMERA_VIEW,
            Permission.ALARM_VIEW,
            Permission.FLEET_VIEW,
            Permission.FLEET_EDIT,
        }
    ),
    Role.SERVICE_CLERK: frozenset({Permission.DASHBOARD, Permission.PERSON_VIEW}),
    Role.VIEWER: frozenset({Permission.DASHBOARD, Permission.CAMERA_VIEW}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    officer_badge: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


_hasher = PasswordHasher()
# Verifying against this keeps the time of "unknown user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("precinct-timing-equaliser")

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A user account cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = find_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    return user


def add_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    created_by: str = "system",
) -> User:
    """Create an account; the creation is written to the audit log."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("username must have 1 to 64 characters")
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        audit.AuditEvent(
            created_by, audit.AuditAction.CREATE, "user", user.username, detail={"role": str(role)}
        ),
    )
    return user
