"""The world of the authorization matrix: two sites, A and B, built the same way.

Each site has its own accounts off (only its SSO readers and its staff take part), an article,
a published, a held, a claimed (held, claimed by the site's moderator) and a removed comment, a
reader's report, a DSA notice, a statement of reasons with an appeal, and a moderating API
token (whose service account edits the site's articles too). The actors are seen from site A;
their mirror images on site B (`MIRROR`) let the same table judge every try with site B's
objects.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Permission

from debatte.accounts.models import User
from debatte.api.models import ApiToken
from debatte.articles.models import (
    Article,
    Section,
    Site,
    SiteMembership,
    SiteRole,
    default_site_id,
)
from debatte.discussions.models import Comment, CommentStatus, Report
from debatte.discussions.services import post_comment, recommend_comment, report_comment
from debatte.embed.articles import article_key
from debatte.moderation.models import (
    Appeal,
    Reason,
    ReasonKind,
    StatementOfReasons,
    WordListEntry,
    WordListKind,
)
from debatte.moderation.services.claims import claim_comment
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.dsa import submit_appeal, submit_illegal_content_notice
from debatte.moderation.services.users import ban_user
from debatte.notifications.models import Webhook, WebhookDelivery

# The columns of the matrix, in this order.
ACTORS = (
    "anonymous",
    "reader",  # a plain Debatte account (site A has own accounts off)
    "author",  # site A's SSO reader who wrote site A's comments
    "other",  # another SSO reader of site A
    "banned",  # an SSO reader of site A, banned on site A
    "fmod",  # a moderator of site B
    "mod",  # a moderator of site A
    "editor",  # an editor of site A
    "admin",  # a site admin of site A (staff, with the Django admin's model permissions)
    "token",  # site A's moderating API token
    "ftoken",  # site B's moderating API token
    "fsso",  # an SSO reader of site B
)

# Who each actor is when it uses site B's objects: the actor of the table whose row for
# site A's objects says what must happen. Actors at home on site B are not tried there.
MIRROR = {
    "anonymous": "anonymous",
    "reader": "reader",
    "author": "fsso",
    "other": "fsso",
    "banned": "fsso",  # the ban holds on site A only
    "mod": "fmod",
    "editor": "fmod",
    "admin": "fmod",
    "token": "ftoken",
}

REASON_CODE = "sachlich"

# Who may read the texts of a site's held and removed comments.
SEES_A = {"author", "mod", "editor", "admin", "token"}
SEES_B = {"fmod", "ftoken", "fsso"}


@dataclass
class Side:
    """One site and its objects."""

    site: Site
    article: Article
    author: User
    other: User
    moderator: User
    token: str
    published: Comment
    held: Comment
    claimed: Comment
    removed: Comment
    report: Report
    notice: Report
    statement: StatementOfReasons
    appeal: Appeal
    comments: dict[str, Comment] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User]
    tokens: dict[str, str]

    def secrets(self) -> dict[str, set[str]]:
        """The texts of held and removed comments, and who may read them: their author and
        their site's moderators (the API token answers with what its moderators see)."""
        shown: dict[str, set[str]] = {}
        for side, readers in ((self.a, SEES_A), (self.b, SEES_B)):
            for comment in (side.held, side.claimed, side.removed):
                marker = next(word for word in comment.body.split() if word.isupper())
                shown[marker] = readers
        return shown


def _user(name: str, **extra: Any) -> User:
    slug = name.lower().replace(" ", "-")
    return User.objects.create_user(
        email=f"{slug}@example.org", password="a-long-test-password", display_name=name, **extra
    )


def _sso(name: str, site: Site) -> User:
    return _user(name, sso_site=site, sso_subject=name.lower().replace(" ", "-"))


def _staff(name: str, site: Site, role: str) -> User:
    user = _user(name, is_staff=True)
    SiteMembership.objects.create(site=site, user=user, role=role)
    return user


def _held(article: Article, author: User, body: str) -> Comment:
    comment = post_comment(article, author=author, body=body)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    comment.refresh_from_db()
    return comment


def _side(letter: str, *, default: bool) -> Side:
    if default:
        site = Site.objects.get(pk=default_site_id())
        Site.objects.filter(pk=site.pk).update(
            name="Zeitung A", allowed_origins="https://a.example", own_accounts=False
        )
    else:
        site = Site.objects.create(
            name="Zeitung B", slug="zeitung-b", allowed_origins="https://b.example"
        )
        Site.objects.filter(pk=site.pk).update(own_accounts=False)
    Site.objects.filter(pk=site.pk).update(rate_limit_per_minute=0)
    site.refresh_from_db()
    for kind in (ReasonKind.REJECT, ReasonKind.SHORTEN):
        Reason.objects.create(site=site, code=REASON_CODE, kind=kind, label="Unsachlich", text="-")
    # Keyed as the embed keys a site's articles ("slug:key"), so the iframe finds it too.
    article = Article.objects.create(
        site=site, key=article_key(site, "artikel"), title=f"Artikel {letter}", lead="Vorspann."
    )
    author = _sso(f"Autorin {letter.upper()}", site)
    other = _sso(f"Leser {letter.upper()}", site)
    moderator = _staff(f"Moderatorin {letter.upper()}", site, SiteRole.MODERATOR)
    token_row, token = ApiToken.issue(site, f"CMS {letter.upper()}", can_moderate=True)
    # Its service account is an editor too: the token writes the site's articles (articles API).
    SiteMembership.objects.create(site=site, user=token_row.acting_user, role=SiteRole.EDITOR)
    # ASCII markers, found in HTML and JSON alike (see SECRETS).
    up = letter.upper()
    published = post_comment(article, author=author, body=f"Oeffentlich PUB{up}X hier.")
    held = _held(article, author, f"Zurueckgehalten HELD{up}X hier.")
    claimed = _held(article, author, f"In Arbeit CLAIM{up}X hier.")
    claim_comment(claimed, moderator=moderator)
    removed = post_comment(article, author=author, body=f"Entfernt REMOVED{up}X hier.")
    reason = Reason.objects.get(site=site, kind=ReasonKind.REJECT, code=REASON_CODE)
    reject_comment(removed, moderator=moderator, reason=reason)
    report_comment(published, reporter=other, reason="insult")
    report = Report.objects.get(comment=published, reporter=other)
    submit_illegal_content_notice(
        published, explanation="Strafbar nach § 185 StGB.", name="Hinweisgeber", email="h@x.org"
    )
    notice = Report.objects.filter(comment=published).exclude(pk=report.pk).get()
    statement = StatementOfReasons.objects.get(comment=removed)
    appeal = submit_appeal(statement, user=author, text="Das war sachlich.")
    _admin_rows(site, letter, published, other)
    side = Side(
        site=site,
        article=article,
        author=author,
        other=other,
        moderator=moderator,
        token=token,
        published=published,
        held=held,
        claimed=claimed,
        removed=removed,
        report=report,
        notice=notice,
        statement=statement,
        appeal=appeal,
    )
    side.comments = {"pub": published, "held": held, "claimed": claimed, "removed": removed}
    return side


def _admin_rows(site: Site, letter: str, published: Comment, other: User) -> None:
    """One row of each site's model that only the Django admin shows."""
    Section.objects.create(site=site, name=f"Ressort {letter}", slug=f"ressort-{letter}")
    WordListEntry.objects.create(site=site, kind=WordListKind.SUSPECT, phrase=f"wort{letter}")
    hook = Webhook.objects.create(site=site, url=f"https://{letter}.example/hook", secret="x")
    WebhookDelivery.objects.create(webhook=hook, event="comment.created")
    recommend_comment(published, user=other)


def build_world() -> World:
    a = _side("a", default=True)
    b = _side("b", default=False)
    banned = _sso("Gesperrter Leser", a.site)
    ban_user(banned, moderator=a.moderator, reason="Beleidigungen.", site=a.site)
    admin = _staff("Seitenadmin A", a.site, SiteRole.ADMIN)
    # A site admin with every model permission: only the site scoping may hide B's rows.
    admin.user_permissions.set(Permission.objects.all())
    users = {
        "reader": _user("Leserin ohne Seite"),
        "author": a.author,
        "other": a.other,
        "banned": banned,
        "fmod": b.moderator,
        "mod": a.moderator,
        "editor": _staff("Redakteur A", a.site, SiteRole.EDITOR),
        "admin": admin,
        "fsso": b.author,
    }
    return World(a=a, b=b, users=users, tokens={"token": a.token, "ftoken": b.token})
