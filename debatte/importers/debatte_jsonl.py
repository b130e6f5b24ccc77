"""Debatte's own export (JSON Lines, see export.py), read back line by line.

Unlike the foreign formats this is a restore, not a conversion: numbers, counters, states,
moderation history and recommendations are taken as they are. Rows are matched to rows that
exist already by their natural keys (a site's slug, a user's display name, an article's key, a
comment's article and number, ...), so importing into a database that holds some of them adds
only what is missing, and importing twice adds nothing. Everything is written in one
transaction: a line that cannot be read or stored names its line number and nothing is kept.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from tqdm import tqdm

from debatte.importers.export import EXPORTED_MODELS, NAMED_TARGETS, label
from debatte.importers.records import ImportFormatError, ImportReport

Key = tuple[str, int]
ALLOWED = {label(model) for model in EXPORTED_MODELS}
# The fields that identify a row already in the database (None: the row's own identity).
NATURAL_KEYS: dict[str, list[str]] = {
    "accounts.badge": ["slug"],
    "articles.site": ["slug"],
    "articles.section": ["slug"],
    "accounts.user": ["display_name__iexact"],
    "articles.sitemembership": ["site", "user", "role"],
    "moderation.reason": ["site", "code", "kind"],
    "moderation.wordlistentry": ["site", "kind", "phrase"],
    "articles.article": ["key"],
    "discussions.comment": ["article", "number", "reply_number"],
    "discussions.commentrevision": ["comment", "kind", "created_at"],
    "discussions.recommendation": ["comment", "user"],
    "discussions.report": ["comment", "reporter", "reason", "created_at"],
    "moderation.auditentry": ["verb", "actor_name", "subject", "created_at"],
    "moderation.statementofreasons": ["user", "comment", "decision", "created_at"],
    "moderation.notice": ["report"],
    # An author's appeal (statement) or a notifier's (notice): the other one is empty.
    "moderation.appeal": ["statement", "notice"],
    "account.emailaddress": ["user", "email"],
    "mfa.authenticator": ["user", "type", "created_at"],
    "api.apitoken": ["token_hash"],
    "notifications.webhook": ["site", "url", "created_at"],
    "moderation.restriction": ["user", "site", "kind", "created_at"],
}


class Restorer:
    def __init__(self, *, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.ids: dict[Key, int] = {}
        self.added: dict[str, int] = {}
        self.existing: dict[str, int] = {}
        self.deferred: list[tuple[type[models.Model], int, str, Key]] = []

    def row(self, line: dict[str, Any]) -> None:
        name = line.get("type")
        if name not in ALLOWED:
            raise ValueError(f"unknown row type {name!r}")
        model = apps.get_model(name)
        values, m2m = self._values(model, line["fields"])
        found = self._find(model, name, values)
        if found is not None:
            self.ids[(name, line["id"])] = found
            self.existing[name] = self.existing.get(name, 0) + 1
            return
        self.added[name] = self.added.get(name, 0) + 1
        if self.dry_run:
            self.ids[(name, line["id"])] = -line["id"]
            return
        obj = model(**values)
        obj.save(force_insert=True)
        self.ids[(name, line["id"])] = obj.pk
        self._after_insert(model, obj, values, m2m)

    def _values(
        self, model: type[models.Model], fields: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, list[int]]]:
        values: dict[str, Any] = {}
        m2m: dict[str, list[int]] = {}
        for m in model._meta.many_to_many:
            if m.related_model in NAMED_TARGETS:
                m2m[m.name] = [self._named(m.related_model, n) for n in fields.get(m.name, [])]
                continue
            target = label(m.related_model)  # type: ignore[arg-type]
            m2m[m.name] = [self.ids[(target, old)] for old in fields.get(m.name, [])]
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name not in fields:
                continue
            raw = fields[f.name]
            if f.is_relation and raw is not None:
                target = label(f.related_model)  # type: ignore[arg-type]
                if (target, raw) not in self.ids:
                    if target == label(model):  # a comment answering one further down
                        self.deferred.append((model, 0, f.attname, (target, raw)))
                        values[f.attname] = None
                        continue
                    raise ValueError(f"{f.name} refers to {target} {raw}, not in the file")
                values[f.attname] = self.ids[(target, raw)]
            else:
                values[f.attname] = f.to_python(raw) if raw is not None else None
                _check_text(f, values[f.attname])
        return values, m2m

    def _named(self, model: Any, name: str) -> int:
        """A permission ("app_label.codename") or a group (its name) of this database."""
        if model is Group:
            group = Group.objects.filter(name=name).first()
            if group is None and not self.dry_run:
                group = Group.objects.create(name=name)  # its permissions are not exported
            return group.pk if group is not None else 0
        app_label, _dot, codename = name.partition(".")
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is None:
            raise ValueError(f"no permission {name!r} in this installation")
        return int(permission.pk)

    def _find(self, model: type[models.Model], name: str, values: dict[str, Any]) -> int | None:
        lookup: dict[str, Any] = {}
        for key in NATURAL_KEYS[name]:
            field_name = key.split("__")[0]
            attname = model._meta.get_field(field_name).attname  # type: ignore[union-attr]
            value = values.get(attname)
            if value is not None and isinstance(value, int) and value < 0:
                return None  # refers to a row only planned (dry run): new as well
            lookup[key if field_name == attname else attname] = value
        pk = model._default_manager.filter(**lookup).values_list("pk", flat=True).first()
        return int(pk) if pk is not None else None

    def _after_insert(
        self,
        model: type[models.Model],
        obj: models.Model,
        values: dict[str, Any],
        m2m: dict[str, list[int]],
    ) -> None:
        # auto_now fields were overwritten on save: put the exported times back.
        stamped = {
            f.attname: values[f.attname]
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if f.attname in values
        }
        if stamped:
            model._default_manager.filter(pk=obj.pk).update(**stamped)
        for field_name, pks in m2m.items():
            getattr(obj, field_name).set(pks)
        if self.deferred and self.deferred[-1][1] == 0:
            model_, _zero, attname, key = self.deferred.pop()
            self.deferred.append((model_, obj.pk, attname, key))

    def repair_article_counters(self) -> None:
        """Recount what the articles' pages show from the rows now stored: a restore takes the
        file's counters as they are, and a changed file must not leave a wrong count or a
        numbering counter below a stored number (one statement for all restored articles)."""
        from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
        from django.db.models.functions import Coalesce, Greatest

        from debatte.articles.models import Article
        from debatte.discussions.models import Comment, CommentStatus

        ids = [pk for (name, _id), pk in self.ids.items() if name == "articles.article"]
        per_article = Comment.objects.filter(article=OuterRef("pk")).values("article")
        published = per_article.annotate(
            n=Count("pk", filter=Q(status=CommentStatus.PUBLISHED))
        ).values("n")
        highest = per_article.annotate(n=Max("number")).values("n")
        Article.objects.filter(pk__in=ids).update(
            comment_count=Coalesce(Subquery(published, output_field=IntegerField()), Value(0)),
            last_comment_number=Greatest(
                "last_comment_number",
                Coalesce(Subquery(highest, output_field=IntegerField()), Value(0)),
            ),
        )

    def repair_open_report_counts(self) -> None:
        """The file's comments carry their count of open reports, and the database's triggers
        count the restored reports again as they are inserted: recount from the stored reports
        (one statement for all restored comments)."""
        from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        from debatte.discussions.models import Comment, Report

        ids = [pk for (name, _id), pk in self.ids.items() if name == "discussions.comment"]
        open_reports = (
            Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Comment.objects.filter(pk__in=ids).update(
            open_report_count=Coalesce(
                Subquery(open_reports, output_field=IntegerField()), Value(0)
            )
        )

    def resolve_deferred(self) -> None:
        for model, pk, attname, key in self.deferred:
            if key not in self.ids:
                raise ImportFormatError(
                    "end of file", f"{attname} refers to {key[0]} {key[1]}, not in the file"
                )
            if pk > 0:
                model._default_manager.filter(pk=pk).update(**{attname: self.ids[key]})


def _check_text(f: models.Field[Any, Any], value: object) -> None:
    """What no database keeps the same way: too long for the column (SQLite would store it),
    NUL characters or lone surrogates (PostgreSQL refuses them)."""
    if not isinstance(value, str):
        return
    if f.max_length is not None and len(value) > f.max_length:
        raise ValueError(f"{f.name} is longer than {f.max_length} characters")
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError(f"{f.name} contains a NUL or an invalid character")


def restore(
    path: Path, *, dry_run: bool = False, show_progress: bool | None = None
) -> ImportReport:
    restorer = Restorer(dry_run=dry_run)
    with (
        path.open("rb") as raw,
        tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc="restoring",
            disable=not show_progress if show_progress is not None else None,
        ) as bar,
        transaction.atomic(),
    ):
        _read_lines(raw, restorer, bar.update)
        if not dry_run:
            restorer.resolve_deferred()
            restorer.repair_article_counters()
            restorer.repair_open_report_counts()
    report = ImportReport("debatte", dry_run=dry_run)
    report.articles_created = restorer.added.get("articles.article", 0)
    report.articles_existing = restorer.existing.get("articles.article", 0)
    report.comments_added = restorer.added.get("discussions.comment", 0)
    report.comments_skipped = restorer.existing.get("discussions.comment", 0)
    report.accounts_created = restorer.added.get("accounts.user", 0)
    return report


def _read_lines(raw: Any, restorer: Restorer, progress: Callable[[int], None]) -> None:
    for number, line in enumerate(raw, start=1):
        progress(len(line))
        try:
            data = json.loads(line)
            if number == 1:
                if data.get("type") != "debatte.export" or data.get("version") != 1:
                    raise ValueError("not a Debatte export of version 1")
                continue
            restorer.row(data)
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            LookupError,
            OverflowError,  # an integer too large for the database (SQLite raises it directly)
            DatabaseError,
        ) as error:
            raise ImportFormatError(f"line {number}", str(error)) from None
        except ValidationError as error:
            raise ImportFormatError(f"line {number}", "; ".join(error.messages)) from None
        except RecursionError:
            raise ImportFormatError(f"line {number}", "nested too deeply") from None
