"""Articles for the publisher's CMS: read, create and replace an article by its stable key.

The same rules as the editor's page (articles.forms.ArticleDataForm) and the same writes
(articles.services): the caller must be an editor of the article's site, either signed in or
as an API token's service account that holds the editor role on the token's site.
"""

import copy
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from debatte.accounts.mfa import check_second_factor
from debatte.accounts.models import User
from debatte.api.auth import SIGNED_IN, Principal, principal_of
from debatte.api.discussions import ArticleKey
from debatte.api.errors import COMMON_ERRORS, NOT_FOUND, REFUSED, ApiError, ErrorOut, error_body
from debatte.api.lookups import article_for
from debatte.api.schemas import KEY_PATTERN, MAX_ID
from debatte.articles.forms import ArticleApiForm
from debatte.articles.models import Article, Site
from debatte.articles.roles import edits_site, sites_edited_by
from debatte.articles.selectors import get_article_by_key
from debatte.articles.services import (
    ArticleData,
    check_can_edit,
    create_article,
    update_article,
)

router = Router(tags=["articles"], auth=SIGNED_IN)

ARTICLE_ERRORS = {**COMMON_ERRORS, **NOT_FOUND, **REFUSED, 409: ErrorOut}


class BlockSchema(Schema):
    kind: Literal["paragraph", "heading"]
    text: str = Field(max_length=20_000, description="Plain text, never markup")


class ArticleIn(Schema):
    """An article as the CMS sends it; left-out fields take their defaults (PUT replaces)."""

    title: str = Field(min_length=1, max_length=300)
    kicker: str = Field("", max_length=120)
    lead: str = Field("", max_length=20_000)
    body: list[BlockSchema] = Field(default_factory=list, max_length=500)
    authors: str = Field("", max_length=300)
    section: str | None = Field(None, max_length=50, description="A section slug of the site")
    topics: list[str] = Field(default_factory=list, max_length=12)
    canonical_url: str = Field("", max_length=500)
    published_at: datetime | None = Field(None, description="Empty: now (kept on replace)")
    moderation_mode: Literal["", "post", "pre", "risk"] = Field(
        "", description="Empty: as the section or site"
    )
    discussion_status: Literal["open", "closed", "none"] = "open"
    discussion_opens_at: datetime | None = None
    discussion_closes_at: datetime | None = None


class ArticleCreateIn(ArticleIn):
    key: str = Field(pattern=KEY_PATTERN, description="The CMS's stable key")
    site: int | None = Field(
        None, ge=1, le=MAX_ID, description="The site (signed-in editors); a token's own site"
    )


class ArticleDetailOut(Schema):
    key: str
    site_id: int
    url: str
    title: str
    kicker: str
    lead: str
    body: list[BlockSchema]
    authors: str
    section: str | None
    topics: list[str]
    canonical_url: str
    published_at: datetime
    listed: bool = Field(description="False: created by an unsigned embed, waiting for an editor")
    moderation_mode: str
    discussion_status: Literal["open", "closed", "none"]
    discussion_opens_at: datetime | None
    discussion_closes_at: datetime | None
    closed_reason: str | None
    comment_count: int
    version: int
    updated_at: datetime


def present_article_detail(article: Article) -> ArticleDetailOut:
    return ArticleDetailOut(
        key=article.key,
        site_id=article.site_id or 0,
        url=article.get_absolute_url(),
        title=article.title,
        kicker=article.kicker,
        lead=article.lead,
        body=[BlockSchema(**block) for block in article.body],
        authors=article.authors,
        section=article.section.slug if article.section else None,
        topics=article.topics,
        canonical_url=article.canonical_url,
        published_at=article.published_at,
        listed=article.listed,
        moderation_mode=article.moderation_mode,
        discussion_status=article.discussion_status,  # type: ignore[arg-type]
        discussion_opens_at=article.discussion_opens_at,
        discussion_closes_at=article.discussion_closes_at,
        closed_reason=article.closed_reason(),
        comment_count=article.comment_count,
        version=article.version,
        updated_at=article.updated_at,
    )


def editor_for(principal: Principal, site_id: int) -> User:
    """Who writes: a signed-in editor of the site, or the token's service account if it holds
    the editor role on the token's site (tokens are read-only otherwise)."""
    token = principal.token
    if token is not None:
        acting = token.acting_user
        if acting is None or not edits_site(acting, token.site_id):
            raise ApiError(403, "token_cannot_edit", _("This API token may not write articles."))
        return acting
    user = principal.require_user()
    check_second_factor(user)
    check_can_edit(user, site_id)
    return user


def _site_for_new(principal: Principal, requested: int | None) -> Site:
    if principal.site_id is not None:
        if requested is not None and requested != principal.site_id:
            raise ApiError(403, "wrong_site", _("This API token belongs to another site."))
        requested = principal.site_id
    if requested is None:
        raise ApiError(400, "site", _("Name the site (site) the article belongs to."))
    site = Site.objects.filter(pk=requested).first()
    if site is None:
        raise ApiError(404, "not_found", _("There is no such site."))
    return site


def _validated(payload: ArticleIn, key: str, site: Site, article: Article | None) -> Any:
    """The cleaned ArticleData, or the 422 response naming each refused field."""
    data = payload.model_dump(exclude={"site"})
    data["key"] = key
    instance = copy.copy(article) if article is not None else None
    form = ArticleApiForm(data, instance=instance, site=site)
    if form.is_valid():
        return ArticleData.from_cleaned(form.cleaned_data)
    fields = [
        {"loc": ["body", name], "msg": "; ".join(error.messages), "code": error.code}
        for name, errors in form.errors.as_data().items()
        for error in errors
    ]
    if any(f["code"] == "key_taken" for f in fields):
        return Status(409, error_body("key_taken", _("Another article already has this key.")))
    return Status(422, error_body("invalid", _("The article is not valid."), fields))


@router.get("/articles/{key}", response={200: ArticleDetailOut, **ARTICLE_ERRORS})
def get_article(request: HttpRequest, key: ArticleKey) -> ArticleDetailOut:
    """An article as the editors wrote it (any token of its site, or an editor of it)."""
    principal = principal_of(request)
    article = article_for(principal, key)
    if principal.token is None:
        editor_for(principal, article.site_id or 0)
    return present_article_detail(article)


@router.post("/articles", response={201: ArticleDetailOut, **ARTICLE_ERRORS})
def create_article_by_key(request: HttpRequest, payload: ArticleCreateIn) -> Any:
    """Create an article under the CMS's key (409 `key_taken` if it exists)."""
    principal = principal_of(request)
    site = _site_for_new(principal, payload.site)
    editor = editor_for(principal, site.pk)
    if get_article_by_key(payload.key) is not None:
        raise ApiError(409, "key_taken", _("Another article already has this key."))
    data = _validated(payload, payload.key, site, None)
    if isinstance(data, Status):
        return data
    article = create_article(site, editor=editor, data=data)
    return Status(201, present_article_detail(article))


@router.put(
    "/articles/{key}", response={200: ArticleDetailOut, 201: ArticleDetailOut, **ARTICLE_ERRORS}
)
def put_article(request: HttpRequest, key: ArticleKey, payload: ArticleIn) -> Any:
    """Create the article with this key, or replace what the editors write of it (200).
    Discussion status and opening hours change through the moderation services (audited)."""
    principal = principal_of(request)
    article = get_article_by_key(key)
    if article is None:
        site = _site_for_new(principal, None if principal.token else _only_site(principal))
        editor = editor_for(principal, site.pk)
    else:
        article = article_for(principal, key)
        site = article.site
        editor = editor_for(principal, site.pk)
    data = _validated(payload, key, site, article)
    if isinstance(data, Status):
        return data
    if article is None:
        return Status(201, present_article_detail(create_article(site, editor=editor, data=data)))
    return present_article_detail(update_article(article, editor=editor, data=data))


def _only_site(principal: Principal) -> int | None:
    """A signed-in editor creating by PUT: their one site (else they must POST with `site`)."""
    sites = sites_edited_by(principal.require_user())
    if sites is not None and len(sites) == 1:
        return sites[0]
    raise ApiError(
        400, "site", _("You edit several sites: create the article with POST /articles and site.")
    )
