"""Editing a site's word lists: add one entry, import thousands, delete; each change audited.

Entries are normalised before they are stored (Unicode NFKC, lower case, single spaces, one
`*` in a row), and duplicates are found as the matcher sees them (`wordlists.fold`: "Ärger"
and "aerger" are one entry). An import is one `bulk_create` and moves the site's word-list
version once, so every app server compiles the new list at its next post.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.moderation.audit import record
from debatte.moderation.models import WordListEntry, WordListKind
from debatte.moderation.services.permissions import check_can_moderate
from debatte.moderation.wordlist_cache import bump_word_list_version
from debatte.moderation.wordlists import fold

MAX_PHRASE_LENGTH = WordListEntry._meta.get_field("phrase").max_length or 120
MAX_IMPORT_LINES = 50_000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
AUDIT_SAMPLE = 50  # phrases named in an audit entry; the count is always complete
# A CSV file's header row, and the words its second column may use for the list.
HEADER_WORDS = {"phrase", "entry", "word", "wort", "eintrag", "begriff", "ausdruck"}
KIND_WORDS = {
    "banned": WordListKind.BANNED,
    "gesperrt": WordListKind.BANNED,
    "verboten": WordListKind.BANNED,
    "suspect": WordListKind.SUSPECT,
    "verdächtig": WordListKind.SUSPECT,
    "verdaechtig": WordListKind.SUSPECT,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STARS = re.compile(r"\*{2,}")

PROBLEMS = {
    "too_long": gettext_lazy("longer than %(max)d characters") % {"max": MAX_PHRASE_LENGTH},
    "only_wildcards": gettext_lazy("only wildcards: it would match every word"),
    "control": gettext_lazy("contains control characters"),
    "kind": gettext_lazy("unknown list in the second column (banned or suspect)"),
    "duplicate": gettext_lazy("listed twice in the input"),
    "listed": gettext_lazy("already on the list"),
}


@dataclass
class Skipped:
    line: int
    text: str
    problem: str  # a key of PROBLEMS

    @property
    def why(self) -> str:
        return str(PROBLEMS[self.problem])


@dataclass
class ImportResult:
    added: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def count(self, *problems: str) -> int:
        return sum(1 for s in self.skipped if s.problem in problems)


def normalise_phrase(raw: str) -> tuple[str, str]:
    """The entry as stored, and the problem that keeps it out ("" if none)."""
    text = unicodedata.normalize("NFKC", raw)
    if _CONTROL.search(text.strip("\r\n")):
        return text.strip(), "control"
    phrase = _STARS.sub("*", " ".join(text.split()).lower())
    if len(phrase) > MAX_PHRASE_LENGTH:
        return phrase, "too_long"
    if phrase and not phrase.replace("*", "").strip():
        return phrase, "only_wildcards"
    return phrase, ""


def read_upload(data: bytes) -> str:
    """An uploaded file's text (UTF-8, with or without byte-order mark)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ActionError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // 1024 // 1024},
            code="too_large",
        )
    if b"\x00" in data:
        raise ActionError(_("This is no text file."), code="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(
            _("The file is not UTF-8 text. Save it as UTF-8 and try again."), code="encoding"
        ) from None


def _rows(text: str, *, as_csv: bool) -> list[tuple[int, str, str]]:
    """(line number, phrase cell, list cell) for every non-empty line."""
    lines = text.splitlines()
    if len(lines) > MAX_IMPORT_LINES:
        raise ActionError(
            _("At most %(max)d lines at once.") % {"max": MAX_IMPORT_LINES}, code="too_many"
        )
    if not as_csv:
        return [(n, line, "") for n, line in enumerate(lines, 1) if line.strip()]
    dialect = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    rows = []
    for n, cells in enumerate(csv.reader(io.StringIO(text), delimiter=dialect), 1):
        if not cells or not "".join(cells).strip():
            continue
        if n == 1 and cells[0].strip().lower() in HEADER_WORDS:
            continue
        rows.append((n, cells[0], cells[1].strip().lower() if len(cells) > 1 else ""))
    return rows


def import_word_list(
    site: Site, *, kind: str, text: str, moderator: User, as_csv: bool = False, source: str = ""
) -> ImportResult:
    """Add every new entry of `text` (one a line; CSV: phrase, optional list) to the site."""
    check_can_moderate(moderator, site.pk)
    result = ImportResult()
    wanted: dict[tuple[str, str], tuple[int, str]] = {}  # (kind, folded) -> (line, phrase)
    for line, cell, kind_cell in _rows(text, as_csv=as_csv):
        phrase, problem = normalise_phrase(cell)
        row_kind = KIND_WORDS.get(kind_cell, "") if kind_cell else kind
        if not phrase:
            continue
        if not problem and not row_kind:
            problem = "kind"
        if not problem and (row_kind, fold(phrase)) in wanted:
            problem = "duplicate"
        if problem:
            result.skipped.append(Skipped(line, cell.strip()[:200], problem))
            continue
        wanted[(row_kind, fold(phrase))] = (line, phrase)
    with transaction.atomic():
        stored = WordListEntry.objects.filter(site=site).values_list("kind", "phrase")
        listed = {(k, fold(p)) for k, p in stored}
        new = [
            WordListEntry(site=site, kind=key[0], phrase=phrase)
            for key, (_line, phrase) in wanted.items()
            if key not in listed
        ]
        result.skipped.extend(
            Skipped(line, phrase, "listed")
            for key, (line, phrase) in wanted.items()
            if key in listed
        )
        result.skipped.sort(key=lambda s: s.line)
        if new:
            WordListEntry.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
            bump_word_list_version(site.pk)
            record(
                "wordlist.import",
                actor=moderator,
                site_id=site.pk,
                details={
                    "kind": kind,
                    "source": source,
                    "added": len(new),
                    "skipped": len(result.skipped),
                    "sample": [entry.phrase for entry in new[:AUDIT_SAMPLE]],
                },
            )
        result.added = len(new)
    return result


def add_word_list_entry(site: Site, *, kind: str, phrase: str, moderator: User) -> WordListEntry:
    check_can_moderate(moderator, site.pk)
    if kind not in WordListKind.values:
        raise ActionError(_("Choose the banned or the suspect list."), code="kind")
    normalised, problem = normalise_phrase(phrase)
    if not normalised:
        raise ActionError(_("Please enter a word or phrase."), code="empty")
    if problem:
        raise ActionError(_("Not added: %(why)s.") % {"why": PROBLEMS[problem]}, code=problem)
    key = fold(normalised)
    listed = WordListEntry.objects.filter(site=site, kind=kind).values_list("phrase", flat=True)
    if any(fold(other) == key for other in listed):
        raise ActionError(_("“%(phrase)s” is already on the list.") % {"phrase": normalised})
    with transaction.atomic():
        entry = WordListEntry.objects.create(site=site, kind=kind, phrase=normalised)
        record(
            "wordlist.add",
            actor=moderator,
            site_id=site.pk,
            details={"kind": kind, "phrase": normalised},
        )
    return entry  # the post_save receiver moved the word-list version


def delete_word_list_entries(site: Site, *, ids: list[int], moderator: User) -> int:
    """Delete these entries of the site; the version moves once however many go."""
    check_can_moderate(moderator, site.pk)
    with transaction.atomic():
        rows = WordListEntry.objects.filter(site=site, pk__in=ids)
        gone = list(rows.order_by("kind", "phrase").values_list("kind", "phrase"))
        if not gone:
            raise ActionError(_("Choose the entries to delete."), code="nothing")
        # Without the per-row post_delete receiver (one version bump per row).
        rows._raw_delete(rows.db)
        bump_word_list_version(site.pk)
        record(
            "wordlist.delete",
            actor=moderator,
            site_id=site.pk,
            details={
                "deleted": len(gone),
                "sample": [f"{kind}: {phrase}" for kind, phrase in gone[:AUDIT_SAMPLE]],
            },
        )
    return len(gone)
