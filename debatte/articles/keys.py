"""Article keys and addresses: how an article is named, and how a page finds its article.

`Article.key` is unique across all sites. A site's own articles (created by its embed, its API
or the newsroom for it) are keyed `<site slug>:<the site's id>` (`site_key`); articles imported
from another system keep the key the importer gave them ("disqus-<thread id>", "wp-...",
"isso-..."), since the old system's thread id is all their comments refer to.

A page of a site finds its discussion in this order (`find_site_article`):

1. the site's key for the page's id (`<slug>:<id>`);
2. an article of the site whose key is exactly the id (an imported article's own key, as the
   embed's pages of it name it);
3. an imported article of the site with the page's address (`canonical_url`), compared as
   `normalise_url` does: http and https, a "www." prefix, a default port, a trailing slash,
   the fragment and tracking parameters (utm_..., fbclid, ...) do not make another page.

So a Disqus thread imported into a site and the embed on the same page share one discussion,
whichever came first: the import joins the comments to an article the embed created
(`find_import_target`), and the embed finds the imported one. Creating articles stays with
the callers and their rules (the embed's signed article token; the importer's records).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from debatte.articles.models import Article, Site, article_key_validator

KEY_LENGTH = Article._meta.get_field("key").max_length or 200
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_ga|_gl|yclid|igshid"
    r"|wt_mc|wt_zmc|ref_src|at_medium|at_campaign)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_key(site: Site, external: str) -> str:
    """The unique Article.key of a site's own article: `zeit:12345`."""
    return f"{site.slug}:{external}"


def external_key(article: Article) -> str:
    """The id the site knows its article by (the key itself for an imported article)."""
    return article.key.partition(":")[2] if ":" in article.key else article.key


def is_valid_key(value: str) -> bool:
    try:
        article_key_validator(value)
    except ValidationError:
        return False
    return len(value) <= KEY_LENGTH


def normalise_url(url: str) -> str:
    """The page an address names, for comparing: `example.org/a/b?id=3`; "" when `url` is not
    an http(s) address. The path keeps its case; query parameters are sorted."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if port and port != _DEFAULT_PORTS[parts.scheme.lower()]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(name)
    )
    return f"{host}{path}?{urlencode(query)}" if query else f"{host}{path}"


def find_by_url(site: Site, url: str, articles: QuerySet[Article] | None = None) -> Article | None:
    """The site's article at the page `url` (see `normalise_url`); of several (an old system
    may list one page twice), the one with the most comments."""
    wanted = normalise_url(url)
    if not wanted:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    prefixes = Q()
    for scheme in ("http", "https"):
        for www in ("", "www."):
            prefixes |= Q(canonical_url__istartswith=f"{scheme}://{www}{host}")
    rows = (articles if articles is not None else Article.objects.all()).filter(
        prefixes, site=site, canonical_url__contains=path
    )
    matching = [
        article
        for article in rows.order_by("-comment_count", "pk")[:50]
        if normalise_url(article.canonical_url) == wanted
    ]
    return matching[0] if matching else None


def find_site_article(site: Site, key: str, *, url: str = "") -> Article | None:
    """The article a page of `site` with the id `key` (and address `url`) shows; see the
    module docstring for the order."""
    articles = Article.objects.select_related("site", "section")
    found = {
        article.key: article
        for article in articles.filter(site=site, key__in=[site_key(site, key), key])
    }
    article = found.get(site_key(site, key)) or found.get(key)
    if article is None and url:
        # Only an imported article: the site's own articles are their key, whatever address
        # they are served under (a new key at an old address is a new article).
        imported = articles.exclude(key__startswith=f"{site.slug}:")
        article = find_by_url(site, url, imported)
    return article


def comment_counts(site: Site, external_keys: list[str]) -> dict[str, int]:
    """The comment count of each page id the site has an article for (as `find_site_article`
    finds them by key), in one query."""
    own = {site_key(site, key): key for key in external_keys}
    rows = Article.objects.filter(site=site, key__in=[*own, *external_keys]).values_list(
        "key", "comment_count"
    )
    imported: dict[str, int] = {}
    counts: dict[str, int] = {}
    for key, count in rows:
        if key in own:
            counts[own[key]] = count
        else:
            imported[key] = count
    return {key: counts.get(key, imported.get(key, 0)) for key in external_keys}


def find_import_target(site: Site, key: str, *, page_id: str = "", url: str = "") -> Article | None:
    """The article an imported thread goes to, locked for writing: the one imported before
    (its `key`), else the site's own article for the thread's page (by the page's id, else
    by its address): comments join a discussion the embed started. Imported articles are not
    merged with each other."""
    articles = Article.objects.select_for_update()
    article = articles.filter(key=key).first()
    if article is not None:
        return article
    if page_id and is_valid_key(site_key(site, page_id)):
        article = articles.filter(site=site, key=site_key(site, page_id)).first()
        if article is not None:
            return article
    if url:
        own = articles.filter(key__startswith=f"{site.slug}:")
        return find_by_url(site, url, own)
    return None


def import_key(site: Site | None, key: str, *, page_id: str = "") -> str:
    """The key a new imported article gets: with a site named, a thread that carries the
    page's id (Disqus's identifier) becomes the site's article for that id, the key its
    embed asks for; otherwise the importer's own key."""
    if site is not None and page_id and is_valid_key(site_key(site, page_id)):
        return site_key(site, page_id)
    return key
