"""Validating an article as editors write it: one set of rules for the editor's page and the API.

`ArticleDataForm` takes the body as blocks and the topics as a list (the API's JSON);
`ArticleForm`, the editor's page, takes the same as text: paragraphs separated by blank lines,
subheadings starting with "## ", topics separated by commas. Both clean to the same values,
which `articles.services` writes.
"""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from debatte.articles.keys import external_key, site_key
from debatte.articles.models import Article, BlockKind, ModerationMode, Section, Site

MAX_BLOCKS = 500
MAX_BLOCK_LENGTH = 20_000
MAX_HEADING_LENGTH = 300
MAX_TOPICS = 12
MAX_TOPIC_LENGTH = 60
HEADING_MARK = "## "
BLANK_LINE = re.compile(r"\n[ \t]*\n")


# --- Body: blocks and their text form --------------------------------------------------------


def blocks_to_text(blocks: list[dict[str, str]]) -> str:
    """The body as an editor writes it; `text_to_blocks` reads it back to the same blocks."""
    parts = []
    for block in blocks:
        text = block.get("text", "")
        parts.append(HEADING_MARK + text if block.get("kind") == BlockKind.HEADING else text)
    return "\n\n".join(part for part in parts if part.strip())


def text_to_blocks(text: str) -> list[dict[str, str]]:
    """Paragraphs separated by blank lines; a line starting with "## " is a subheading."""
    blocks: list[dict[str, str]] = []
    for chunk in BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        paragraph: list[str] = []
        for line in chunk.split("\n"):
            if line.startswith(HEADING_MARK.rstrip()) and line[2:3] in (" ", ""):
                _add_paragraph(blocks, paragraph)
                paragraph = []
                heading = " ".join(line[2:].split())
                if heading:
                    blocks.append({"kind": BlockKind.HEADING.value, "text": heading})
            else:
                paragraph.append(line)
        _add_paragraph(blocks, paragraph)
    return blocks


def _add_paragraph(blocks: list[dict[str, str]], lines: list[str]) -> None:
    text = "\n".join(line.rstrip() for line in lines).strip()
    if text:
        blocks.append({"kind": BlockKind.PARAGRAPH.value, "text": text})


def validate_blocks(value: Any) -> list[dict[str, str]]:
    """A list of {"kind": "paragraph" | "heading", "text": "..."}, plain text, bounded."""
    if not isinstance(value, list):
        raise ValidationError(_("The body must be a list of blocks."), code="invalid_body")
    if len(value) > MAX_BLOCKS:
        raise ValidationError(
            _("The body may have at most %(max)d paragraphs and subheadings."),
            code="invalid_body",
            params={"max": MAX_BLOCKS},
        )
    blocks = []
    for number, block in enumerate(value, start=1):
        if not isinstance(block, dict) or set(block) != {"kind", "text"}:
            raise ValidationError(
                _('Block %(n)d must have exactly "kind" and "text".'),
                code="invalid_body",
                params={"n": number},
            )
        kind, text = block["kind"], block["text"]
        if kind not in BlockKind.values or not isinstance(text, str):
            raise ValidationError(
                _('Block %(n)d: "kind" is "paragraph" or "heading", "text" is text.'),
                code="invalid_body",
                params={"n": number},
            )
        text = " ".join(text.split()) if kind == BlockKind.HEADING else text.strip()
        limit = MAX_HEADING_LENGTH if kind == BlockKind.HEADING else MAX_BLOCK_LENGTH
        if len(text) > limit:
            raise ValidationError(
                _("Block %(n)d is longer than %(max)d characters."),
                code="invalid_body",
                params={"n": number, "max": limit},
            )
        if text:
            blocks.append({"kind": kind, "text": text})
    return blocks


class BodyBlocksField(forms.JSONField):
    """The API's body: a JSON list of blocks."""

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return validate_blocks(value)
        return validate_blocks(super().to_python(value))


class BodyTextField(forms.CharField):
    """The editor's body: text with blank lines between paragraphs, "## " for subheadings."""

    widget = forms.Textarea(attrs={"rows": 18})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return blocks_to_text(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        return validate_blocks(text_to_blocks(super().to_python(value) or ""))


# --- Topics ----------------------------------------------------------------------------------


def validate_topics(value: Any) -> list[str]:
    """Distinct topics (case-insensitively, the first spelling kept), each short, few."""
    if not isinstance(value, list) or not all(isinstance(topic, str) for topic in value):
        raise ValidationError(_("Topics must be a list of texts."), code="invalid_topics")
    topics: dict[str, str] = {}
    for raw in value:
        topic = " ".join(raw.split())
        if not topic:
            continue
        if "," in topic or len(topic) > MAX_TOPIC_LENGTH:
            raise ValidationError(
                _("A topic has at most %(max)d characters and no comma: %(topic)s"),
                code="invalid_topics",
                params={"max": MAX_TOPIC_LENGTH, "topic": topic[:80]},
            )
        topics.setdefault(topic.casefold(), topic)
    if len(topics) > MAX_TOPICS:
        raise ValidationError(
            _("An article has at most %(max)d topics."),
            code="invalid_topics",
            params={"max": MAX_TOPICS},
        )
    return list(topics.values())


class TopicListField(forms.JSONField):
    """The API's topics: a JSON list of texts."""

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return validate_topics(value)
        return validate_topics(super().to_python(value))


class TopicTextField(forms.CharField):
    """The editor's topics: separated by commas."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        return validate_topics((super().to_python(value) or "").split(","))


# --- The article -----------------------------------------------------------------------------

FIELDS = [
    "key",
    "title",
    "kicker",
    "lead",
    "body",
    "authors",
    "section",
    "topics",
    "canonical_url",
    "published_at",
    "moderation_mode",
    "discussion_status",
    "discussion_opens_at",
    "discussion_closes_at",
]


class WebAddressField(forms.URLField):
    """http and https only: the address readers follow."""

    default_validators = [URLValidator(schemes=["http", "https"])]


LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ArticleDataForm(forms.ModelForm):  # type: ignore[type-arg]
    """The rules of an article; never saved itself (articles.services writes).

    `site` is the article's site (for a new one: where it will be created); sections are
    that site's. Keys are unique across all sites (a key names one discussion)."""

    body = BodyBlocksField(required=False, label=_("Body"))
    topics = TopicListField(required=False, label=_("Topics"))
    canonical_url = WebAddressField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label=_("Canonical URL"),
        help_text=_("Where the article is published, e.g. https://www.example.org/politik/nato"),
    )

    class Meta:
        model = Article
        fields = FIELDS
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "published_at": LOCAL_DATETIME,
            "discussion_opens_at": LOCAL_DATETIME,
            "discussion_closes_at": LOCAL_DATETIME,
        }

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        self.instance.site = site
        section = self.fields["section"]
        section.queryset = Section.objects.filter(site=site)  # type: ignore[attr-defined]
        self.fields["published_at"].required = False
        self.fields["moderation_mode"].choices = [  # type: ignore[attr-defined]
            ("", _("as the section or site")),
            *ModerationMode.choices,
        ]
        self.fields["key"].help_text = _(
            "The article's stable identifier, e.g. the CMS's id: its discussion belongs to it. "
            "Letters, digits and . _ : ~ - only."
        )

    def clean_key(self) -> str:
        """A new key (a new article, or a changed key) is the site's own: `<slug>:<id>`
        (articles/keys.py), the key the site's embed asks for with `data-key="<id>"`."""
        key = str(self.cleaned_data.get("key") or "").strip()
        prefix = site_key(self.site, "")
        if key != self.instance.key and not (key.startswith(prefix) and len(key) > len(prefix)):
            raise ValidationError(
                _("A new key is the site's: “%(prefix)s” and the article's id."),
                code="key_site",
                params={"prefix": prefix},
            )
        return key

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data.get("title") or "").split())

    def clean_published_at(self) -> datetime:
        """Left empty: now for a new article, unchanged for an existing one."""
        value = self.cleaned_data.get("published_at")
        if value is not None:
            return value  # type: ignore[no-any-return]
        return self.instance.published_at if self.instance.pk else timezone.now()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("discussion_opens_at"), cleaned.get("discussion_closes_at")
        if opens and closes and closes <= opens:
            message = _("The discussion must open before it closes.")
            self.add_error("discussion_closes_at", ValidationError(message, code="schedule"))
        return cleaned

    def validate_unique(self) -> None:
        # Only the key is unique; the model's message names no field, so say which it is.
        key = self.cleaned_data.get("key")
        if not key or self.has_error("key"):
            return
        taken = Article.objects.filter(key=key).exclude(pk=self.instance.pk).exists()
        if taken:
            self.add_error(
                "key",
                ValidationError(_("Another article already has this key."), code="key_taken"),
            )


class ArticleApiForm(ArticleDataForm):
    """The API's article: the section by its slug."""

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, site=site, **kwargs)
        self.fields["section"].to_field_name = "slug"  # type: ignore[attr-defined]


class ArticleForm(ArticleDataForm):
    """The editor's page: the body and topics as text, the key as the site's id for it."""

    body = BodyTextField(  # type: ignore[assignment]
        label=_("Body"),
        help_text=_(
            'Paragraphs separated by a blank line; a line starting with "## " is a subheading.'
        ),
    )
    topics = TopicTextField(label=_("Topics"), help_text=_("Separated by commas."))  # type: ignore[assignment]

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, site=site, **kwargs)
        if self.instance.pk:
            self.initial["key"] = external_key(self.instance)
        self.fields["key"].label = _("ID")
        self.fields["key"].help_text = _(
            "The article's stable id, e.g. the CMS's: its discussion belongs to it, and the "
            "site's embed names it (data-key). Letters, digits and . _ : ~ - only."
        )

    def clean_key(self) -> str:
        value = str(self.cleaned_data.get("key") or "").strip()
        if self.instance.pk and value == external_key(self.instance):
            self.cleaned_data["key"] = self.instance.key
        else:
            self.cleaned_data["key"] = site_key(
                self.site, value.removeprefix(site_key(self.site, ""))
            )
        return super().clean_key()


class NewArticleForm(ArticleForm):
    """A new article: the editor chooses one of their sites first."""

    field_order = ["site", *FIELDS]

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        data = args[0] if args else kwargs.get("data")
        chosen = _chosen_site(data, sites)
        super().__init__(*args, site=chosen, **kwargs)
        only_one = len(sites) == 1
        self.fields["site"] = forms.ModelChoiceField(
            queryset=sites,
            initial=chosen,
            empty_label=None,
            label=_("Site"),
            required=not only_one,
            widget=forms.HiddenInput() if only_one else None,
        )

    def clean_site(self) -> Site:
        return self.cleaned_data.get("site") or self.site


def _chosen_site(data: Any, sites: QuerySet[Site]) -> Site:
    """The site the submitted form names, if the editor may use it; else their first."""
    wanted = str(data.get("site") or "") if data is not None else ""
    found = sites.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 19 else None
    first = found or sites.first()
    if first is None:
        raise ValueError("an editor without sites")
    return first
