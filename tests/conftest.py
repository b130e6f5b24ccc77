"""Shared fixtures: readers, a moderator, the default site and another one with a moderator each,
articles and comments made through the services."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The `publisher` fixture (the publisher's pages for embed tests) lives in its own module.
pytest_plugins = ["publisher_pages"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_PAGE = SHARED / "seed" / "000_ecba84f1b02c7743.txt"


def services_required() -> bool:
    return os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1"


@pytest.fixture
def seed_text() -> str:
    if not SEED_PAGE.exists():
        pytest.fail(
            f"the seed page is missing: {SEED_PAGE} (../shared must lie beside the checkout)"
        )
    return SEED_PAGE.read_text(encoding="utf-8")


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    from debatte.accounts.models import User

    counter = iter(range(1, 10_000))

    def make(display_name: str | None = None, *, staff: bool = False, **extra: object) -> User:
        n = next(counter)
        return User.objects.create_user(
            email=extra.pop("email", f"reader{n}@example.org"),
            password=extra.pop("password", "a-long-test-password"),
            display_name=display_name or f"Leser {n}",
            is_staff=staff,
            **extra,
        )

    return make


@pytest.fixture
def reader(make_user: Callable[..., object]) -> object:
    return make_user("Kapaster d.J.")


@pytest.fixture
def other_reader(make_user: Callable[..., object]) -> object:
    return make_user("Martin Köster")


@pytest.fixture
def moderator(make_user: Callable[..., object]) -> object:
    return make_user("Redaktion ab", staff=True)


@pytest.fixture
def site(db: None) -> object:
    """The default site (where `make_article` puts articles)."""
    from debatte.articles.models import Site, default_site_id

    return Site.objects.get(pk=default_site_id())


@pytest.fixture
def other_site(db: None) -> object:
    from debatte.articles.models import Site

    return Site.objects.create(name="Andere Zeitung", slug="andere")


@pytest.fixture
def site_moderator(make_user: Callable[..., object], site: object) -> object:
    """A moderator of `site` (initials from the name: "ab")."""
    from debatte.articles.models import SiteMembership

    user = make_user("Anna Berg")
    SiteMembership.objects.create(site=site, user=user, role="moderator")
    return user


@pytest.fixture
def other_site_moderator(make_user: Callable[..., object], other_site: object) -> object:
    from debatte.articles.models import SiteMembership

    user = make_user("Fremde Moderatorin")
    SiteMembership.objects.create(site=other_site, user=user, role="moderator")
    return user


@pytest.fixture
def site_admin(make_user: Callable[..., object], site: object) -> object:
    """An admin of `site` (its settings pages, /verwaltung/)."""
    from debatte.articles.models import SiteMembership

    user = make_user("Chefin vom Dienst", staff=True)
    SiteMembership.objects.create(site=site, user=user, role="admin")
    return user


@pytest.fixture
def editor(make_user: Callable[..., object], site: object) -> object:
    """An editor of `site` (the editors' article pages, the articles API)."""
    from debatte.articles.models import SiteMembership

    user = make_user("Redakteurin Eva", staff=True)
    SiteMembership.objects.create(site=site, user=user, role="editor")
    return user


@pytest.fixture
def make_article(db: None) -> Callable[..., object]:
    from debatte.articles.models import Article, Site, default_site_id

    counter = iter(range(1, 10_000))

    # Tests post many comments quickly; the rate limit has tests of its own.
    Site.objects.filter(pk=default_site_id()).update(rate_limit_per_minute=0)

    def make(**fields: object) -> Article:
        n = next(counter)
        fields.setdefault("key", f"artikel-{n}")
        fields.setdefault("title", f"Artikel {n}")
        fields.setdefault("lead", "Ein Vorspann.")
        fields.setdefault(
            "body",
            [
                {"kind": "paragraph", "text": "Ein Absatz."},
                {"kind": "heading", "text": "Eine Zwischenüberschrift"},
            ],
        )
        return Article.objects.create(**fields)

    return make


@pytest.fixture
def article(make_article: Callable[..., object]) -> object:
    return make_article(key="nato-dialog", title="Nato betont Dialogbereitschaft")


@pytest.fixture
def make_comment(reader: object) -> Callable[..., object]:
    from debatte.discussions.services import post_comment

    counter = iter(range(1, 1_000_000))

    def make(article: object, *, author: object = None, body: str = "", parent: object = None):
        # Distinct default texts: the pipeline refuses the same text twice from one reader.
        body = body or f"Kommentar Nummer {next(counter)}."
        return post_comment(article, author=author or reader, body=body, parent=parent)  # type: ignore[arg-type]

    return make


@pytest.fixture
def allow_private(settings: object) -> None:
    """Outgoing requests (webhooks, the external check) may go to private and loopback hosts."""
    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_ALLOW_PRIVATE": True}  # type: ignore[attr-defined]


@pytest.fixture
def receiver() -> Iterator[object]:
    """A real webhook endpoint on 127.0.0.1 (tests/notifications/receivers.py)."""
    from tests.notifications.receivers import Receiver

    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    # Rolled-back tests reuse article ids (SQLite), so a response cached under an article's id
    # and version by one test must not answer the next one.
    from django.core.cache import cache

    from debatte.core import request_counts
    from debatte.moderation import wordlist_cache

    cache.clear()
    # Compiled word lists are kept per process under (site id, version): ids come back too.
    wordlist_cache._compiled.clear()
    # Requests per address are counted in process memory without Redis (core/request_counts.py).
    request_counts.forget_local()


@pytest.fixture(autouse=True)
def plain_static_files(settings: object) -> None:
    # Tests render pages without collectstatic: no manifest, files served by the finders.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def no_classifier(settings: object) -> None:
    # Unit tests run without the shipped model (the fake scorers in tests decide scores);
    # tests of the classifier and its wiring load it on purpose.
    settings.DEBATTE = {**settings.DEBATTE, "SCORER": "", "FULL_SCORER": ""}  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def immediate_tasks(settings: object) -> None:
    # Background tasks run at once in tests; tests of the worker itself override this.
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # Hashing strength is Django's business; tests only need passwords to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
