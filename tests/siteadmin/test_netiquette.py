"""The site's Netiquette URL: under the comment form (article page, reply page, embed) and in
every rejection (a refused post, a moderator's removal, the statement of reasons by mail and on
the reader's decisions page)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Site, SiteMembership, SiteRole
from debatte.discussions.services import post_comment
from debatte.moderation.models import Reason
from debatte.moderation.services.decisions import reject_comment

pytestmark = pytest.mark.django_db

NETIQUETTE = "https://zeitung.example/netiquette"
LINK = f'href="{NETIQUETTE}"'


@pytest.fixture
def netiquette(site: Site) -> Site:
    Site.objects.filter(pk=site.pk).update(netiquette_url=NETIQUETTE)
    site.refresh_from_db()
    return site


@pytest.fixture
def reader_client(reader: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(reader)
    return client


def test_netiquette_linked_under_the_comment_form(
    netiquette: Site, article: Any, reader_client: Client
) -> None:
    page = reader_client.get(article.get_absolute_url()).content.decode()
    form = page[page.index('id="comment-form"') :]
    form = form[: form.index("</form>")]
    assert LINK in form
    assert "Netiquette" in form


def test_netiquette_not_shown_when_the_site_has_none(
    site: Site, article: Any, reader_client: Client
) -> None:
    page = reader_client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in page
    assert "Netiquette" not in page


def test_netiquette_linked_on_the_reply_page(
    netiquette: Site, article: Any, reader_client: Client, make_comment: Callable[..., Any]
) -> None:
    parent = make_comment(article)
    kwargs = {"article_key": article.key, "comment_label": parent.url_label}
    url = reverse("comment-reply", kwargs=kwargs)
    assert LINK in reader_client.get(url).content.decode()


def test_netiquette_in_the_refusal_of_a_post(
    netiquette: Site, article: Any, reader_client: Client, reader: Any
) -> None:
    url = reverse("comment-create", kwargs={"article_key": article.key})
    reader_client.post(url, {"body": "Genau derselbe Text zweimal."})
    answer = reader_client.post(url, {"body": "Genau derselbe Text zweimal."})
    assert answer.status_code in (400, 429)
    page = answer.content.decode()
    alert = page[page.index('class="field__errors"') :]
    alert = alert[: alert.index("</div>")]
    assert LINK in alert
    # Not a help text there: the length counter (debatte.js) joins the field's first one.
    assert "field__help" not in alert


def test_netiquette_in_the_embedded_discussion(
    netiquette: Site, make_article: Callable[..., Any], reader_client: Client
) -> None:
    Site.objects.filter(pk=netiquette.pk).update(allowed_origins="https://zeitung.example")
    make_article(key=f"{netiquette.slug}:eingebettet")
    kwargs = {"site_slug": netiquette.slug, "external_key": "eingebettet"}
    url = reverse("embed-discussion", kwargs=kwargs)
    query = urlencode({"host": "https://zeitung.example"})
    page = reader_client.get(f"{url}?{query}", headers={"Referer": "https://zeitung.example/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="comment-form"' in html
    assert LINK in html


def test_netiquette_in_the_refusal_of_an_embedded_post(
    netiquette: Site, make_article: Callable[..., Any], reader_client: Client
) -> None:
    make_article(key=f"{netiquette.slug}:eingebettet")
    kwargs = {"site_slug": netiquette.slug, "external_key": "eingebettet"}
    url = reverse("embed-comment-create", kwargs=kwargs)
    reader_client.post(url, {"body": "Im Rahmen zweimal gesagt."})
    answer = reader_client.post(url, {"body": "Im Rahmen zweimal gesagt."})
    assert answer.status_code == 400
    page = answer.content.decode()
    alert = page[page.index('class="field__errors"') :]
    assert LINK in alert[: alert.index("</div>")]


def test_netiquette_in_the_moderators_rejection_and_statement(
    netiquette: Site,
    article: Any,
    reader: Any,
    make_user: Callable[..., Any],
    reader_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    moderator = make_user("Anna Berg", staff=True)
    SiteMembership.objects.create(site=netiquette, user=moderator, role=SiteRole.MODERATOR)
    reason = Reason.objects.create(
        site=netiquette, code="sachlich", kind="reject", label="Unsachlich", text="Bitte sachlich."
    )
    comment = post_comment(article, author=reader, body="Unsinn")
    with django_capture_on_commit_callbacks(execute=True):
        reject_comment(comment, moderator=moderator, reason=reason)

    # The removed comment's note on the page, the statement by mail and on the decisions page.
    page = Client().get(article.get_absolute_url()).content.decode()
    note = page[page.index("comment__moderation-note") :]
    assert LINK in note[: note.index("</article>")]
    (message,) = mail.outbox
    assert NETIQUETTE in message.body
    assert LINK in message.alternatives[0][0]
    decisions = reader_client.get(reverse("dsa-decisions")).content.decode()
    assert LINK in decisions
