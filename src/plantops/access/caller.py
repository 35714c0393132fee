"""The person (or integration) behind a request: role and scope, checked by the services."""

from __future__ import annotations

from dataclasses import dataclass

from plantops.access.roles import Action, Domain, Role, allowed
from plantops.access.scope import EVERYWHERE, Scope
from plantops.errors import Forbidden


@dataclass(frozen=True)
class Caller:
    user_id: int | None  # None: PlantOps itself (migrations, demo, command-line import)
    username: str
    role: Role
    scope: Scope

    def may(self, domain: Domain, action: Action) -> bool:
        return allowed(self.role, domain, action)

    def require(self, domain: Domain, action: Action, what: str) -> None:
        """Forbidden (403) unless the role allows `action` on `domain`; `what` names it."""
        if not self.may(domain, action):
            role = self.role.value.replace("_", " ")
            raise Forbidden(f"a{'n' if role[0] in 'aeiou' else ''} {role} may not {action} {what}")


# Local work on the machine itself: the command line and the demo loader act as this.
SYSTEM = Caller(None, "system", Role.admin, EVERYWHERE)
