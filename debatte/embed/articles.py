"""Articles of an embedding site: found by the site's own stable key, created on first embed."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from debatte.articles.models import Article, Site, article_key_validator
from debatte.core.exceptions import ActionError
from debatte.embed.origins import is_allowed, origin_of

KEY_LENGTH = Article._meta.get_field("key").max_length or 200
TITLE_LENGTH = Article._meta.get_field("title").max_length or 300
URL_LENGTH = Article._meta.get_field("canonical_url").max_length or 500


def article_key(site: Site, external_key: str) -> str:
    """The globally unique Article.key of a site's article: `zeit:12345`."""
    return f"{site.slug}:{external_key}"


def external_key(article: Article) -> str:
    return article.key.partition(":")[2] if ":" in article.key else article.key


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


def find_embedded_article(site: Site, key: str) -> Article | None:
    return (
        Article.objects.select_related("site", "section")
        .filter(site=site, key=article_key(site, key))
        .first()
    )


def get_or_create_embedded_article(site: Site, key: str, *, title: str, url: str) -> Article:
    """The site's article `key`; created from the page's title and URL when first embedded."""
    key = clean_external_key(site, key)
    article = find_embedded_article(site, key)
    if article is not None:
        return article
    fields = {"title": clean_title(title), "canonical_url": clean_canonical_url(site, url)}
    try:
        with transaction.atomic():
            Article.objects.create(site=site, key=article_key(site, key), **fields)
    except IntegrityError:
        pass  # a second first embed at the same moment created it: use that one
    article = find_embedded_article(site, key)
    if article is None:  # the key belongs to another site's article
        raise ActionError(_("The article key is not valid."), code="invalid_key")
    return article
