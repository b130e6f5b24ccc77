"""Finding the article and comment an operation names, with the caller's right to see them."""

from django.http import Http404
from django.utils.translation import gettext as _

from debatte.accounts.mfa import check_second_factor
from debatte.accounts.models import User
from debatte.api.auth import Principal
from debatte.api.errors import ApiError
from debatte.articles.models import Article
from debatte.articles.selectors import get_article_by_key
from debatte.discussions.models import Comment
from debatte.discussions.selectors import Access, get_comment_by_label, get_comment_for


def article_for(principal: Principal, key: str) -> Article:
    article = get_article_by_key(key)
    if article is None:
        raise Http404(_("There is no article with this key."))
    if principal.site_id is not None and article.site_id != principal.site_id:
        raise ApiError(403, "wrong_site", _("This API token belongs to another site."))
    return article


def comment_for(
    principal: Principal,
    article: Article,
    label: str,
    *,
    access: Access = Access.READ,
    any_status: bool = False,
) -> Comment:
    """The comment "#N" or "#N.M" by the pages' rule for `access` (discussions.selectors);
    `any_status` for moderators, whose services check their role."""
    if any_status:
        comment = get_comment_by_label(article, label)
    else:
        comment = get_comment_for(article, label, viewer=principal.user, access=access)
    if comment is None:
        raise Http404(_("There is no comment %(label)s.") % {"label": label})
    return comment


def moderator_for(principal: Principal) -> User:
    """The signed-in reader who moderates; the services check their role on each site."""
    token = principal.token
    if token is not None and token.can_moderate and token.acting_user is not None:
        return token.acting_user
    if token is not None:
        raise ApiError(
            403,
            "token_cannot_moderate",
            _("This API token may not moderate."),
        )
    user = principal.require_user()
    # A person signed in by session; tokens are secrets of the site's servers, not logins.
    check_second_factor(user)
    return user
