"""Every payload of ../shared/data/realworld/ (xss-payloadbox, PayloadsAllTheThings, blns; about
9,800) stored through the services in every place a reader can write, and every page that shows
them loaded in Chromium: no dialog, no alert call, no CSP violation, no error, no active markup.

Also every payload as an article's title and lead (the front page lists them all; the pending
queue names the first 200 beside their held comments), as a moderator's shortening note
("Gekürzt. ..." on the reader's page) and as the HTML message of a comment imported from a
Disqus and a WXR export (see xss_places; e-mails and webhooks: test_xss_mail).

Hundreds of payloads share a page (500 comments a page, one reply each), so the full corpus
runs in CI. A payload that a service refuses (length, repeat rule, name rules) is counted as
"refused by validation", which is safe; the test prints payloads x places tried and the time.
"""

import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.utils import timezone

from tests.security import xss_browser, xss_corpus, xss_places

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not xss_corpus.available(), reason="../shared/data/realworld is missing"),
]

SECRET = "xss-corpus-publisher-secret-0123456789abcdef"
ORIGIN = "https://www.example.org"
PAGE = 500


class Tally:
    """Payloads x places tried, refused (by a service's validation) and shown in a browser."""

    def __init__(self) -> None:
        self.tried: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.started = time.monotonic()
        self.marks: list[str] = []

    def refuse(self, place: str) -> None:
        self.refused[place] += 1

    def mark(self, what: str) -> None:
        self.marks.append(f"{what} {time.monotonic() - self.started:.1f}s")

    def report(self, findings: xss_browser.Findings) -> str:
        lines = [
            f"  {place}: {n} tried, {self.refused[place]} refused by validation"
            for place, n in sorted(self.tried.items())
        ]
        return "\n".join(
            [
                f"XSS corpus: {sum(self.tried.values())} payloads x places tried "
                f"({len(xss_corpus.payloads())} payloads), {findings.pages} pages in Chromium, "
                f"{len(findings.executions())} executions, {len(findings.csp)} CSP violations, "
                f"{time.monotonic() - self.started:.1f}s",
                *lines,
                "  " + ", ".join(self.marks),
            ]
        )


def corpus_site(slug: str = "xss") -> Any:
    from debatte.articles.models import ModerationMode, Site

    return Site.objects.create(
        name=f"Zeitung {slug}",
        slug=slug,
        moderation_mode=ModerationMode.POST,
        rate_limit_per_minute=0,
        new_account_hold_count=0,
        allowed_origins=ORIGIN,
        sso_algorithm="HS256",
        sso_secret=SECRET,
    )


def sso_token(subject: str, name: str, aud: str = "xss") -> str:
    now = timezone.now()
    claims = {
        "sub": subject,
        "name": name,
        "aud": aud,
        "entitlements": ["may_comment"],
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture
def corpus_settings(settings: Any) -> None:
    settings.DEBATTE = {
        **settings.DEBATTE,
        "COMMENTS_PER_PAGE": PAGE,
        "REPLIES_PREVIEW": 1,
        "ACTION_THROTTLES": {"report": {"per_reader": 0, "per_address": 0}},
        "DSA_NOTICES_PER_ADDRESS_PER_HOUR": 0,
        "DSA_NOTICES_PER_EMAIL_PER_HOUR": 0,
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def write_discussion(site: Any, tally: Tally) -> tuple[Any, Any]:
    """Per payload: an SSO reader named by it writes it as a comment, another reader answers
    with it and reports the comment with it as explanation, a DSA notice gives it as text."""
    from debatte.articles.models import Article
    from debatte.core.exceptions import ActionError
    from debatte.discussions.services.posting import post_comment
    from debatte.discussions.services.reporting import report_comment
    from debatte.embed.sso import sign_in_with_token
    from debatte.moderation.services.dsa import submit_illegal_content_notice

    article = Article.objects.create(
        site=site, key="xss:corpus", title="Korpus", lead="Ein Vorspann.", body=[]
    )
    answerer = sign_in_with_token(site, sso_token("answerer", "Antwortende"))
    reporter = sign_in_with_token(site, sso_token("reporter", "Meldende"))
    for n, payload in enumerate(xss_corpus.payloads()):
        tally.tried["sso display name"] += 1
        try:
            author = sign_in_with_token(site, sso_token(f"w{n}", payload))
        except ActionError:
            tally.refuse("sso display name")
            author = answerer
        for place in ("comment body", "reply", "report reason", "dsa notice text"):
            tally.tried[place] += 1
        try:
            comment = post_comment(article, author=author, body=payload)
        except ActionError:
            for place in ("comment body", "reply", "report reason", "dsa notice text"):
                tally.refuse(place)
            continue
        try:
            post_comment(article, author=answerer, body=payload, parent=comment)
        except ActionError:
            tally.refuse("reply")
        try:
            report_comment(comment, reporter=reporter, reason="other", explanation=payload)
        except ActionError:
            tally.refuse("report reason")
        try:
            submit_illegal_content_notice(comment, explanation=payload)
        except ActionError:
            tally.refuse("dsa notice text")
    article.refresh_from_db()
    return article, answerer


def article_pages(probe: xss_browser.Probe, path: str, count: int, **visit: Any) -> None:
    """Every page of the discussion, oldest first (the keyset cursor `after`)."""
    probe.visit(f"{path}?sort=oldest", **visit)
    for after in range(PAGE, count, PAGE):
        probe.visit(f"{path}?sort=oldest&after={after}", **visit)


def test_every_payload_in_a_discussion_stays_text(
    transactional_db: None,
    live_server: Any,
    corpus_settings: None,
    monkeypatch: Any,
    tmp_path: Path,
) -> None:
    from django.contrib import admin

    from debatte.accounts.models import User
    from debatte.articles import selectors
    from debatte.discussions import article_pages as page_views
    from debatte.discussions.models import Comment
    from debatte.embed.sso import sign_in_with_token
    from debatte.moderation.views import queues
    from tests.browser.conftest import session_cookie

    tally = Tally()
    site = corpus_site()
    article, answerer = write_discussion(site, tally)
    tally.mark("written")
    admin_user = User.objects.create_superuser(
        email="admin@example.org", password=None, display_name="Verwaltung", is_staff=True
    )
    titled = xss_places.write_articles(site, SECRET, ORIGIN, tally)
    tally.mark("titled")
    xss_places.hold_comments_under(titled[:200], answerer)
    tally.mark("articles")
    short_site = corpus_site("xss-kurz")
    writer = sign_in_with_token(short_site, sso_token("kurz", "Kürzbar", aud="xss-kurz"))
    shortened = xss_places.write_shortened(short_site, writer, admin_user, tally)
    tally.mark("shortened")
    imported = xss_places.import_exports(tmp_path, site, tally)
    tally.mark("imported")
    # The front page lists 30 articles; here all of them, on one page.
    monkeypatch.setattr(
        page_views,
        "list_front_page_articles",
        lambda topic="": selectors.list_front_page_articles(limit=len(titled) + 10, topic=topic),
    )
    # A queue item costs the moderation page much more than a comment the article page: the
    # moderator's view is checked on its first 200 reported comments (all places shown there).
    monkeypatch.setattr(queues, "QUEUE_PAGE_SIZE", 200)
    comment_admin = next(a for m, a in admin.site._registry.items() if m is Comment)
    monkeypatch.setattr(comment_admin, "list_per_page", 2_500)
    count = article.last_comment_number
    with xss_browser.chromium() as browser:
        reader = xss_browser.new_probe(browser, live_server.url)
        article_pages(reader, f"/artikel/{article.key}/", count)
        tally.mark("reader's pages")
        # The embed frame as the publisher's page loads it (its origin as Referer).
        article_pages(reader, "/embed/xss/artikel/corpus/", count, referer=f"{ORIGIN}/a.html")
        tally.mark("embed pages")
        reader.visit("/")
        assert reader.page.locator(".teaser__lead").count() >= len(titled)
        tally.mark("front page")
        article_pages(reader, f"/artikel/{shortened.key}/", shortened.last_comment_number)
        notes = reader.page.locator(".comment__moderation-note").count()
        assert notes == (shortened.last_comment_number - 1) % PAGE + 1
        tally.mark("shortened pages")
        for imported_article in imported:
            imported_article.refresh_from_db()
            path = f"/artikel/{imported_article.key}/"
            article_pages(reader, path, imported_article.last_comment_number)
        tally.mark("imported pages")
        staff = xss_browser.new_probe(
            browser, live_server.url, [session_cookie(admin_user, live_server.url)]
        )
        staff.visit("/moderation/?queue=reported", settle_ms=200)
        staff.visit("/moderation/?queue=pending", settle_ms=200)
        assert staff.page.locator(".queue-item__article").count() == min(len(titled), 200)
        tally.mark("moderation queues")
        for page in range(0, 2 * count, 2_500):
            staff.visit(f"/admin/discussions/comment/?p={page // 2_500 + 1}")
        tally.mark("admin lists")
        findings = reader.findings
        for name, value in vars(staff.findings).items():
            if isinstance(value, list):
                getattr(findings, name).extend(value)
        findings.pages += staff.findings.pages
    print(tally.report(findings))
    assert findings.executions() == [], findings.summary()
    assert findings.csp == [], findings.summary()


def test_importer_survives_marked_sections(db: None, tmp_path: Path) -> None:
    """Four corpus payloads ("<![><img src=...") made Python's HTMLParser raise AssertionError,
    which stopped the whole Disqus import (fixed in importers.htmltext, bbaf2fe)."""
    from debatte.importers.runner import run_import

    path = tmp_path / "disqus.xml"
    path.write_text(xss_places.disqus_export(('<![><img src="]><img src=x onerror=alert(1)//">',)))
    report = run_import(path, fmt="disqus", show_progress=False)
    assert report.comments_added == 1
