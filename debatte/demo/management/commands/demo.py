import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from debatte.accounts.models import Badge, User
from debatte.articles.models import (
    Article,
    DiscussionStatus,
    SiteMembership,
    SiteRole,
    default_site_id,
)
from debatte.moderation.models import Reason

SEED = settings.BASE_DIR.parent / "shared" / "seed" / "000_ecba84f1b02c7743.txt"
SEED_KEY = "nato-russland-dialog"
SEED_TITLE = "Nato betont Bereitschaft zum Dialog mit Russland"
SEED_AS_OF = "2022-07-08"

DEMO_USERS = [
    # (e-mail, display name, password, staff)
    ("leserin@example.org", "Leserin Demo", "debatte-leserin", False),
    ("redaktion@example.org", "Redaktion Demo", "debatte-redaktion", True),
]


DEMO_REASONS = [
    ("reject", "sachlich", "Unsachlich", "Bitte bleiben Sie sachlich."),
    ("reject", "thema", "Nicht zum Thema", "Bitte bleiben Sie beim Thema des Artikels."),
    ("reject", "beleidigung", "Beleidigung", "Bitte verzichten Sie auf Beleidigungen."),
    ("reject", "pauschal", "Pauschalisierung", "Bitte verzichten Sie auf Pauschalisierungen."),
    ("reject", "quelle", "Ohne Quelle", "Bitte belegen Sie Tatsachenbehauptungen mit Quellen."),
    ("shorten", "unterstellung", "Unterstellung", "Bitte verzichten Sie auf Unterstellungen."),
    ("shorten", "sachlich", "Unsachlicher Teil", "Bitte bleiben Sie sachlich."),
    ("shorten", "werbung", "Werbung", "Bitte verzichten Sie auf Werbung."),
]


class Command(BaseCommand):
    help = "Set up a demo database with the seed article, demo accounts, and serve it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=Path, default=SEED)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up only")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not Article.objects.filter(key=SEED_KEY).exists():
            call_command(
                "import_page",
                str(options["seed"]),
                key=SEED_KEY,
                title=SEED_TITLE,
                as_of=SEED_AS_OF,
            )
            Article.objects.filter(key=SEED_KEY).update(
                kicker="Ukraine-Konflikt", authors="ZEIT ONLINE, dpa, AFP"
            )
        self.create_demo_articles()
        self.create_demo_users()
        self.create_reason_catalogue()
        if not options["no_serve"]:
            # The worker sends mails and webhooks; it lives as long as the server.
            worker = subprocess.Popen([sys.executable, "-m", "debatte", "worker"])  # noqa: S603
            try:
                call_command("serve", host=options["host"], port=options["port"])
            finally:
                worker.terminate()
                worker.wait(timeout=10)

    def create_demo_articles(self) -> None:
        Article.objects.get_or_create(
            key="demo-ohne-diskussion",
            defaults={
                "title": "Ein Artikel ohne Diskussion",
                "lead": "Unter manchen Artikeln gibt es keine Kommentare.",
                "discussion_status": DiscussionStatus.NONE,
            },
        )

    @transaction.atomic
    def create_demo_users(self) -> None:
        from allauth.account.models import EmailAddress

        subscriber, _created = Badge.objects.get_or_create(
            slug="abonnent", defaults={"label": "Abonnent"}
        )
        for email, name, password, staff in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=password, display_name=name, is_staff=staff
                )
                if not staff:
                    user.badges.add(subscriber)
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if staff:
                user.initials = user.initials or "rd"
                user.save(update_fields=["initials"])
                for role in (SiteRole.MODERATOR, SiteRole.EDITOR):
                    SiteMembership.objects.get_or_create(
                        site_id=default_site_id(), user=user, role=role
                    )
            kind = "moderator" if staff else "reader"
            self.stdout.write(f"Demo {kind}: {email} / {password}")

    def create_reason_catalogue(self) -> None:
        """The reasons readers see under removed or shortened comments (ZEIT's Netiquette)."""
        site_id = default_site_id()
        for position, (kind, code, label, text) in enumerate(DEMO_REASONS):
            Reason.objects.get_or_create(
                site_id=site_id,
                kind=kind,
                code=code,
                defaults={"label": label, "text": text, "position": position},
            )
