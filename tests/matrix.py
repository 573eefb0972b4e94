"""The permission matrix's vocabulary, shared by tests/test_permission_matrix.py and the apps.

Each domain app adds its URLs in `tests/<app>/matrix.py`:

    from tests.matrix import Row, ALL_200
    ROWS = [Row("strategy:process", {"slug": "{process}"}, "GET", ALL_200), ...]

    def world(users: dict, values: dict) -> None:
        # create the app's objects for the matrix's users; add placeholders to `values`

`users` holds the users of every role but "anonymous" (see ROLES); `values` the placeholders
of the network world ({org}, {hidden}, ...). In an app's world, give the role "moderator" the
moderator role of the app's space, so that the same seven columns mean the same people
everywhere. The app's world must also create at least one object of each model the app
registers in the admin (the admin pages are generated from the registry and opened for each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "user", "member", "admin", "other_admin", "moderator", "superuser")
# anonymous    not logged in
# user         a registered person who belongs to no organisation
# member       an active member (not admin) of the organisation {org} (and of {hidden})
# admin        an active admin of {org} (and of {hidden})
# other_admin  an admin of another organisation
# moderator    a moderator of the network directory (SpaceRole in the "netzwerk" space),
#              and in each app's world the moderator of that app's space
# superuser    the platform's operator


@dataclass(frozen=True)
class Row:
    """One URL asked by every role; `expected` gives one answer per role, in ROLES' order."""

    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    expected: str = ""
    data: dict[str, Any] | None = None
    note: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.name} {self.note}".strip()


ALL_200 = "200 200 200 200 200 200 200"
LOGIN_THEN_200 = "login 200 200 200 200 200 200"
ORG_ADMINS_ONLY = "login 403 403 200 403 200 200"
POST_ONLY = "405 405 405 405 405 405 405"
