"""The navigation bar: one entry per page family, shown to the roles that may open it.

Page modules add their entries with :func:`add`; the bar lists them in the order added.
Labels are lazy strings so each request shows them in its own language.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy gettext string
    roles: tuple[str, ...]  # empty: every role
    admin: bool = True  # admins see every page unless it acts as one of the roles only

    def visible_to(self, user: User) -> bool:
        return not self.roles or user.role in self.roles or (self.admin and user.role == "admin")


ITEMS: list[NavItem] = []


def add(endpoint: str, label: object, *roles: str, admin: bool = True) -> None:
    if all(item.endpoint != endpoint for item in ITEMS):
        ITEMS.append(NavItem(endpoint, label, roles, admin))


def items_for(user: User | None) -> list[NavItem]:
    return [item for item in ITEMS if user is not None and item.visible_to(user)]
