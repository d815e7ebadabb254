"""Demo staff: one demo login per role, plus colleagues to share the work."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.auth.services import create_user
from crm.models import Role, User

DEMO_PASSWORD = "hearth-demo-password"
DEMO_LOGINS = [
    (Role.RECRUITMENT_OFFICER.label, "officer@demo.hearth"),
    (Role.SUPERVISING_SOCIAL_WORKER.label, "ssw@demo.hearth"),
    (Role.MANAGER.label, "manager@demo.hearth"),
    (Role.ADMINISTRATOR.label, "admin@demo.hearth"),
]


@dataclass
class DemoStaff:
    officer: User
    ssw: User
    manager: User
    admin: User
    officers: list[User] = field(default_factory=list)
    ssws: list[User] = field(default_factory=list)

    def logins(self) -> list[tuple[str, User]]:
        return [
            (Role.RECRUITMENT_OFFICER.label, self.officer),
            (Role.SUPERVISING_SOCIAL_WORKER.label, self.ssw),
            (Role.MANAGER.label, self.manager),
            (Role.ADMINISTRATOR.label, self.admin),
        ]


def create_staff() -> DemoStaff:
    def make(email: str, name: str, *roles: Role) -> User:
        return create_user(email, name, DEMO_PASSWORD, set(roles))

    emails = [email for _, email in DEMO_LOGINS]
    officer = make(emails[0], "Olivia Okafor", Role.RECRUITMENT_OFFICER)
    ssw = make(emails[1], "Sam Whitfield", Role.SUPERVISING_SOCIAL_WORKER)
    manager = make(emails[2], "Maya Patel", Role.MANAGER)
    admin = make(emails[3], "Alex Morgan", Role.ADMINISTRATOR)
    officers = [
        officer,
        make("rohan.das@demo.hearth", "Rohan Das", Role.RECRUITMENT_OFFICER),
        make("claire.bennett@demo.hearth", "Claire Bennett", Role.RECRUITMENT_OFFICER),
    ]
    ssws = [
        ssw,
        make("grace.adeyemi@demo.hearth", "Grace Adeyemi", Role.SUPERVISING_SOCIAL_WORKER),
        make("tom.hughes@demo.hearth", "Tom Hughes", Role.SUPERVISING_SOCIAL_WORKER),
        make("nadia.rahman@demo.hearth", "Nadia Rahman", Role.SUPERVISING_SOCIAL_WORKER),
    ]
    return DemoStaff(officer, ssw, manager, admin, officers, ssws)


AGE_RANGES = [(0, 4), (0, 10), (0, 17), (0, 17), (5, 17), (11, 18)]


def age_range(rng) -> dict[str, int]:
    """Terms of approval age bands councils commonly use."""
    low, high = rng.choice(AGE_RANGES)
    return {"min_age": low, "max_age": high}
