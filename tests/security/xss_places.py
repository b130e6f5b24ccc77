"""The corpus in the places an editor, a moderator or an import fills: article titles and leads,
shortening notes, imported Disqus and WXR comment bodies. Each writes through the real code
path where one exists, in bulk where that path allows it."""

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt
from django.utils import timezone

from tests.security import xss_corpus

# Characters XML 1.0 forbids even in CDATA: no export can carry them, so they are dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Tally(Protocol):
    tried: Any
    refused: Any

    def refuse(self, place: str) -> None: ...

    def mark(self, what: str) -> None: ...


def article_token(slug: str, secret: str, key: str, title: str, origin: str) -> str:
    now = timezone.now()
    claims = {
        "aud": slug,
        "key": key,
        "title": title,
        "url": f"{origin}/{key}.html",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def write_articles(site: Any, secret: str, origin: str, tally: Tally) -> list[Any]:
    """Per payload an article titled by it, created as the embed creates one from the
    publisher's signed article token (`get_or_create_embedded_article`, the one service that
    creates articles). No service writes a lead (editors write it in the admin, the importers
    take it from the file), so the leads are stored with one bulk update, as an admin save
    stores the field."""
    from debatte.articles.models import Article
    from debatte.core.exceptions import ActionError
    from debatte.embed.articles import get_or_create_embedded_article

    articles = []
    for n, payload in enumerate(xss_corpus.payloads()):
        key = f"titel-{n}"
        tally.tried["article title"] += 1
        tally.tried["article lead"] += 1
        token = article_token(site.slug, secret, key, payload, origin)
        try:
            article = get_or_create_embedded_article(site, key, title="", url="", token=token)
        except ActionError:
            tally.refuse("article title")
            article = Article.objects.create(site=site, key=f"{site.slug}:{key}", title=key)
        assert article is not None
        article.lead = payload
        articles.append(article)
    Article.objects.bulk_update(articles, ["lead"], batch_size=500)
    return articles


def hold_comments_under(articles: list[Any], author: Any) -> None:
    """One comment held for a moderator under each article: the pending queue names the
    article (its title) beside every item."""
    from debatte.articles.models import Article, ModerationMode
    from debatte.discussions.services.posting import post_comment

    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        moderation_mode=ModerationMode.PRE
    )
    for n, article in enumerate(articles):
        article.moderation_mode = ModerationMode.PRE
        post_comment(article, author=author, body=f"Wartet unter Artikel {n}.")


def write_shortened(site: Any, writer: Any, moderator: Any, tally: Tally) -> Any:
    """Per payload a comment that a moderator shortens (`shorten_comment`) with a catalogue
    reason whose text is the payload: readers see "Gekürzt. {payload} Die Redaktion/VE".
    The reasons live on a site of their own (the admin is the only way to write them, so they
    are stored in bulk): every queue item lists its site's whole catalogue."""
    from debatte.articles.models import Article
    from debatte.core.exceptions import ActionError
    from debatte.discussions.services.posting import post_comment
    from debatte.moderation.models import Reason, ReasonKind
    from debatte.moderation.services.decisions import shorten_comment

    article = Article.objects.create(
        site=site, key=f"{site.slug}:gekuerzt", title="Gekürzt", lead="", body=[]
    )
    limit = Reason._meta.get_field("text").max_length or 300
    reasons = []
    for n, payload in enumerate(xss_corpus.payloads()):
        tally.tried["shortening note"] += 1
        if len(payload) > limit or not payload.strip():  # the admin form refuses it
            tally.refuse("shortening note")
            continue
        reasons.append(
            Reason(site=site, kind=ReasonKind.SHORTEN, code=f"k{n}", label=f"K{n}", text=payload)
        )
    reasons = Reason.objects.bulk_create(reasons, batch_size=500)
    comments = [
        post_comment(article, author=writer, body=f"Beitrag {r.code}, lang genug zum Kürzen.")
        for r in reasons
    ]
    tally.mark("to shorten")
    for reason, comment in zip(reasons, comments, strict=True):
        try:
            shorten_comment(
                comment, moderator=moderator, reason=reason, body=f"Beitrag {reason.code}."
            )
        except ActionError:
            tally.refuse("shortening note")
    article.refresh_from_db()
    return article


def _cdata(text: str) -> str:
    """`text` as CDATA sections; "]]>" is split across two of them."""
    return "<![CDATA[" + NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def disqus_export(payloads: tuple[str, ...]) -> str:
    dsq = 'xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"'
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<disqus {dsq}>',
        '<thread dsq:id="1"><link>https://www.example.org/disqus.html</link>'
        "<title>Disqus-Import</title><createdAt>2020-01-01T00:00:00Z</createdAt></thread>",
    ]
    for n, payload in enumerate(payloads):
        parts.append(
            f'<post dsq:id="p{n}"><message>{_cdata(payload)}</message>'
            f"<createdAt>2020-01-02T00:00:00Z</createdAt><isDeleted>false</isDeleted>"
            f"<isSpam>false</isSpam><author><name>Gast {n}</name>"
            f'<isAnonymous>true</isAnonymous></author><thread dsq:id="1"/></post>'
        )
    parts.append("</disqus>")
    return "\n".join(parts)


def wxr_export(payloads: tuple[str, ...]) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<link>https://blog.example.org</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<item><title>WXR-Import</title><link>https://blog.example.org/wxr/</link>"
        "<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
    ]
    for n, payload in enumerate(payloads):
        parts.append(
            f"<wp:comment><wp:comment_id>{n + 1}</wp:comment_id>"
            f"<wp:comment_author>Gast {n}</wp:comment_author>"
            f"<wp:comment_date_gmt>2020-01-02 00:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content>{_cdata(payload)}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>"
            f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
        )
    parts.append("</item></channel></rss>")
    return "\n".join(parts)


def import_exports(folder: Path, site: Any, tally: Tally) -> list[Any]:
    """A Disqus and a WXR export with every payload as a comment's HTML message, imported by
    `run_import` (what `debatte import` runs); the imported articles, to be read page by page.
    A payload the importer drops or empties (markup only: its text is taken from the HTML)
    counts as refused."""
    from debatte.articles.models import Article
    from debatte.discussions.models import Comment
    from debatte.importers.runner import run_import

    payloads = xss_corpus.payloads()
    articles = []
    for fmt, text in (("disqus", disqus_export(payloads)), ("wxr", wxr_export(payloads))):
        path = folder / f"export-{fmt}.xml"
        path.write_text(text, encoding="utf-8")
        report = run_import(path, fmt=fmt, site=site, show_progress=False)
        place = f"imported {fmt} comment"
        tally.tried[place] += len(payloads)
        tally.refused[place] += len(payloads) - report.comments_added
        article = Article.objects.get(title={"disqus": "Disqus-Import", "wxr": "WXR-Import"}[fmt])
        kept = Comment.objects.filter(article=article).exclude(body="").count()
        tally.refused[place] += report.comments_added - kept
        articles.append(article)
    return articles
