"""Who is acting and why: the actor and the stated purpose behind access to personal data."""

from __future__ import annotations

from dataclasses import dataclass

from precinct.core.auth import Permission, Role, role_allows

MIN_REASON_LENGTH = 4


class AccessDenied(PermissionError):
    """The actor's role does not grant what was asked."""


class PurposeRequired(ValueError):
    """Personal data was asked for without a case number or a stated reason."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role

    def require(self, permission: Permission) -> None:
        if not role_allows(self.role, permission):
            raise AccessDenied(f"role {self.role} may not {permission}")


SYSTEM = Actor("system", Role.ADMIN)


@dataclass(frozen=True)
class Purpose:
    """Why personal data is being looked at: a case number, or a reason in words."""

    case_number: str = ""
    reason: str = ""

    @classmethod
    def of(cls, case_number: str | None, reason: str | None) -> Purpose:
        return cls((case_number or "").strip(), (reason or "").strip())

    def require_stated(self) -> None:
        if not self.case_number and len(self.reason) < MIN_REASON_LENGTH:
            raise PurposeRequired(
                "personal data needs a case number or a reason of at least "
                f"{MIN_REASON_LENGTH} characters"
            )
