from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from debatte.core.text import render_comment_text
from debatte.core.timefmt import format_relative_age

register = template.Library()


@register.filter
def comment_text(text: str) -> SafeString:
    return render_comment_text(text)


@register.simple_tag(takes_context=True)
def relative_time(context: template.Context, moment: datetime) -> SafeString:
    """<time datetime="..." title="exact">vor 6 Monaten</time>."""
    now = context.get("now") or timezone.now()
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        format_relative_age(moment, now),
    )


@register.filter
def in_set(value: object, collection: object) -> bool:
    try:
        return value in collection  # type: ignore[operator]
    except TypeError:
        return False
