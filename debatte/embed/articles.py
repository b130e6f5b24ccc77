"""Articles of an embedding site: found by the site's own stable key, created on first embed.

Finding goes through `debatte.articles.keys` (the site's key, an imported article's own key,
else the page's address), so a page whose discussion was imported (Disqus ...) shows it
instead of starting an empty one.

Origin and Referer can be forged by anyone, so they never suffice to create an article: the
page passes an article token that the site signed with its SSO key (`aud`, `key`, `title`,
`url`), or the site allows unsigned creation and the article waits unlisted for an editor.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.articles import keys
from debatte.articles.models import Article, Site, article_key_validator
from debatte.core.exceptions import ActionError
from debatte.embed.origins import is_allowed, origin_of
from debatte.embed.sso import SsoError, decode_site_token

KEY_LENGTH = Article._meta.get_field("key").max_length or 200
TITLE_LENGTH = Article._meta.get_field("title").max_length or 300
URL_LENGTH = Article._meta.get_field("canonical_url").max_length or 500
ARTICLE_CLAIMS = ["aud", "key", "title", "url"]


article_key = keys.site_key
external_key = keys.external_key


def clean_external_key(site: Site, value: str) -> str:
    value = value.strip()
    try:
        article_key_validator(value)
    except ValidationError:
        raise ActionError(_("The article key is not valid."), code="invalid_key") from None
    if len(article_key(site, value)) > KEY_LENGTH:
        raise ActionError(_("The article key is too long."), code="invalid_key")
    return value


def clean_title(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise ActionError(_("The article needs a title."), code="invalid_title")
    return title[:TITLE_LENGTH]


def clean_canonical_url(site: Site, value: str) -> str:
    url = value.strip().partition("#")[0]
    if len(url) > URL_LENGTH or not is_allowed(site, origin_of(url)):
        raise ActionError(
            _("The article's address must be on one of the site's allowed origins."),
            code="invalid_url",
        )
    return url


def find_embedded_article(site: Site, key: str, *, url: str = "") -> Article | None:
    """The site's article with the id `key`, else the one at the page's address `url` (when
    it is on one of the site's origins)."""
    return keys.find_site_article(site, key, url=_lookup_url(site, url))


@dataclass(frozen=True)
class SignedArticle:
    key: str
    title: str
    url: str


def verify_article_token(site: Site, key: str, token: str) -> SignedArticle:
    """The article the site signed; ActionError unless it is signed, for this site and `key`."""
    try:
        claims = decode_site_token(site, token, ARTICLE_CLAIMS)
    except SsoError as error:
        message = _("The page's article token is not valid (%(reason)s).") % {"reason": error.code}
        raise ActionError(message, code="invalid_article_token") from None
    if str(claims["key"]).strip() != key:
        raise ActionError(
            _("The page's article token is for another article."), code="invalid_article_token"
        )
    return SignedArticle(key=key, title=str(claims["title"]), url=str(claims["url"]))


def get_or_create_embedded_article(
    site: Site, key: str, *, title: str, url: str, token: str = "", from_site: bool = False
) -> Article | None:
    """The site's article `key`. Created on its first embed from the signed `token`, or, on
    sites that allow it, from the page's unsigned title and URL as an unlisted article.
    None: unknown, and nothing here may create it. An unlisted article that a signed token
    names takes the token's title and URL and is listed: the site itself vouches for it."""
    key = clean_external_key(site, key)
    article = find_embedded_article(site, key, url=url)
    if article is not None and (article.listed or not token):
        return article
    if token:
        signed = verify_article_token(site, key, token)
        title, url, listed = signed.title, signed.url, True
    elif from_site and site.embed_creates_unlisted:
        listed = False
    else:
        return None
    fields = {
        "title": clean_title(title),
        "canonical_url": clean_canonical_url(site, url),
        "listed": listed,
    }
    if article is not None:
        Article.objects.filter(pk=article.pk, listed=False).update(
            **fields, updated_at=timezone.now()
        )
        article.refresh_from_db()
        return article
    try:
        with transaction.atomic():
            Article.objects.create(site=site, key=article_key(site, key), **fields)
    except IntegrityError:
        pass  # a second first embed at the same moment created it: use that one
    article = find_embedded_article(site, key)
    if article is None:  # the key belongs to another site's article
        raise ActionError(_("The article key is not valid."), code="invalid_key")
    return article


def _lookup_url(site: Site, url: str) -> str:
    """The page's address as a way to find an existing article: only one of the site's."""
    try:
        return clean_canonical_url(site, url) if url else ""
    except ActionError:
        return ""
