"""An import from start to end: detect, read into the staging area, then write per article.

Reading finishes before writing starts (validate, then write): a file that is not well-formed
stops the import with the position and the reason before anything is stored. Each article is
then written in its own transaction, so it is stored whole or not at all; an article that the
database refuses stops the import there, and running it again continues where it stopped
(comments already imported are recognised by their `import_ref`).
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from tqdm import tqdm

from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.importers import commento, disqus, isso, remark42, wxr
from debatte.importers.authors import Authors
from debatte.importers.debatte_jsonl import restore
from debatte.importers.detect import detect_format
from debatte.importers.loader import import_article
from debatte.importers.records import (
    ArticleRecord,
    CommentRecord,
    ImportFormatError,
    ImportReport,
    Problem,
)
from debatte.importers.staging import Staging

Item = ArticleRecord | CommentRecord


def read_items(
    fmt: str, raw: IO[bytes], path: Path, problems: list[Problem], progress: Callable[[int], None]
) -> Iterator[Item]:
    if fmt == "disqus":
        return disqus.parse(raw, problems, progress)
    if fmt == "wxr":
        return wxr.parse(raw, problems, progress)
    if fmt == "isso":
        return isso.parse_generic(raw, problems)
    if fmt == "isso-db":
        return isso.parse_database(str(path), problems)
    if fmt == "commento":
        return commento.parse(raw, problems)
    if fmt == "remark42":
        if raw.read(1) == b"{" and b'"version"' in raw.readline():
            raw.seek(0)
            return remark42.parse_backup(raw, problems)
        raw.seek(0)
        return remark42.parse_json(raw, problems)
    raise ImportFormatError("", f"unknown format {fmt!r}")


def run_import(
    path: Path,
    *,
    fmt: str = "auto",
    site: Site | None = None,
    dry_run: bool = False,
    show_progress: bool | None = None,
) -> ImportReport:
    """Import a file (see the module docstring); `show_progress` None: only on a terminal."""
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "debatte":
        return restore(path, dry_run=dry_run, show_progress=show_progress)
    report = ImportReport(fmt, dry_run=dry_run)
    with Staging() as staging:
        _read(path, fmt, staging, report, show_progress)
        _write(staging, site, report, show_progress)
    return report


def _read(path: Path, fmt: str, staging: Staging, report: ImportReport, show: bool | None) -> None:
    with (
        path.open("rb") as raw,
        tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc="reading",
            disable=not show if show is not None else None,
        ) as bar,
    ):
        for item in read_items(fmt, raw, path, report.problems, bar.update):
            staging.add(item)
    staging.finish()
    report.problems.extend(staging.problems)


def _write(staging: Staging, site: Site | None, report: ImportReport, show: bool | None) -> None:
    authors = Authors(dry_run=report.dry_run)
    with tqdm(
        total=staging.comment_count,
        unit=" comments",
        desc="writing" if not report.dry_run else "checking",
        disable=not show if show is not None else None,
    ) as bar:
        for record in staging.articles():
            try:
                result = import_article(record, site=site, authors=authors, dry_run=report.dry_run)
            except ActionError as error:
                raise ImportFormatError(
                    record.position or record.key,
                    f"{error.message} (stopped here: {report.articles_created} articles "
                    "before it are stored; running the import again continues)",
                ) from None
            report.articles_created += result.created
            report.articles_existing += not result.created
            report.comments_added += result.added
            report.comments_skipped += result.skipped
            report.problems.extend(result.problems)
            bar.update(len(record.comments))
    report.accounts_created = authors.created
