"""Isso, Remark42, Commento and Debatte (JSON Lines) imports fuzzed: any bytes, mutated real
exports and generated JSON whose values are hostile (wrong types, lone surrogates, NUL, deep
nesting). Each ends in a correct import or a clear ImportFormatError with nothing written."""

import json
from io import StringIO
from typing import Any

import pytest
from hypothesis import strategies as st

from debatte.importers.export import write_export
from tests.importers.fuzzkit import (
    LAST_ERROR,
    check_import,
    fuzz_import,
    hard_timeout,
    hostile_text,
    mutated,
    seed,
)

pytestmark = pytest.mark.django_db

ISSO_SEED = seed("isso-tests", "generic.json")
COMMENTO_SEED = seed("remark42-testdata", "migrator__commento.json")
REMARK_BACKUP_SEED = seed("remark42-testdata", "migrator__native-backup-sample.jsonl")
REMARK_TREE_SEED = seed("remark42-testdata", "store_service__tree.json")

# Any JSON value, hostile strings included: a field may hold the wrong type.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()  # ASCII: a lone surrogate travels as \ud800


def field(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right kind of value, sometimes any JSON at all."""
    return st.one_of(strategy, strategy, strategy, json_values)


dates = field(st.sampled_from(["2021-03-12T11:21:56Z", "2005-02-24 04:03:37", "", "gestern"]))
ids = field(st.integers(0, 20) | st.sampled_from(["a", "b", "root", ""]))


@st.composite
def isso_documents(draw: st.DrawFn) -> bytes:
    comment = st.fixed_dictionaries(
        {"id": ids, "text": field(hostile_text), "author": field(hostile_text)},
        optional={"created": dates, "parent": ids, "remote_addr": field(hostile_text)},
    )
    thread = st.fixed_dictionaries(
        {"id": field(hostile_text), "comments": field(st.lists(comment, max_size=4))},
        optional={"title": field(hostile_text)},
    )
    return _dumps(draw(field(st.lists(thread, max_size=3))))


@st.composite
def commento_documents(draw: st.DrawFn) -> bytes:
    comment = st.fixed_dictionaries(
        {
            "commentHex": ids,
            "commenterHex": field(st.sampled_from(["anonymous", "c1", "c2"])),
            "markdown": field(hostile_text),
            "parentHex": ids,
        },
        optional={
            "domain": field(hostile_text),
            "url": field(hostile_text),
            "html": field(hostile_text),
            "state": field(st.sampled_from(["approved", "unapproved", "flagged"])),
            "creationDate": dates,
            "deleted": field(st.booleans()),
        },
    )
    commenter = st.fixed_dictionaries(
        {"commenterHex": field(st.sampled_from(["c1", "c2"]))},
        optional={"name": field(hostile_text), "email": field(hostile_text)},
    )
    document = st.fixed_dictionaries(
        {"version": st.just(1), "comments": field(st.lists(comment, max_size=5))},
        optional={"commenters": field(st.lists(commenter, max_size=3))},
    )
    return _dumps(draw(field(document)))


def remark42_comment() -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"id": ids, "text": field(hostile_text), "locator": field(st.fixed_dictionaries(
            {"url": field(hostile_text)}))},
        optional={
            "pid": ids,
            "user": field(st.fixed_dictionaries({"name": field(hostile_text)})),
            "time": dates,
            "delete": field(st.booleans()),
        },
    )  # fmt: skip


@st.composite
def remark42_backups(draw: st.DrawFn) -> bytes:
    meta = st.fixed_dictionaries(
        {"version": st.just(1), "posts": field(st.lists(st.fixed_dictionaries(
            {"url": field(hostile_text), "read_only": field(st.booleans())}), max_size=2))},
    )  # fmt: skip
    lines = [draw(field(meta)), *draw(st.lists(field(remark42_comment()), max_size=5))]
    return b"\n".join(_dumps(line) for line in lines)


@st.composite
def remark42_trees(draw: st.DrawFn) -> bytes:
    node = st.recursive(
        st.fixed_dictionaries({"comment": field(remark42_comment())}),
        lambda inner: st.fixed_dictionaries(
            {"comment": field(remark42_comment()), "replies": field(st.lists(inner, max_size=3))}
        ),
        max_leaves=6,
    )
    flat = st.lists(field(remark42_comment()), max_size=5)
    return _dumps(draw(st.one_of(flat, st.fixed_dictionaries({"comments": st.lists(node)}))))


_DEBATTE_SEED: list[bytes] = []


def debatte_seed() -> bytes:
    """A real Debatte export of a small discussion (made once, in a rolled-back transaction)."""
    if not _DEBATTE_SEED:
        from django.db import transaction

        from debatte.accounts.models import User
        from debatte.articles.models import Article
        from debatte.discussions.services import post_comment

        with transaction.atomic():
            writer = User.objects.create_user(
                email="fuzz@example.org", password="a-long-test-password", display_name="Fuzz"
            )
            article = Article.objects.create(key="fuzz-artikel", title="Fuzz")
            first = post_comment(article, author=writer, body="Erster Kommentar")
            post_comment(article, author=writer, body="Antwort", parent=first)
            out = StringIO()
            write_export(out)
            transaction.set_rollback(True)
        _DEBATTE_SEED.append(out.getvalue().encode())
    return _DEBATTE_SEED[0]


@st.composite
def debatte_lines(draw: st.DrawFn) -> bytes:
    """The real export with a few lines whose fields are replaced by hostile values."""
    lines = debatte_seed().decode().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        row = json.loads(lines[index])
        target = row.get("fields", row)
        if target:
            name = draw(st.sampled_from(sorted(target)))
            target[name] = draw(json_values)
        lines[index] = json.dumps(row)
    return "\n".join(lines).encode()


def test_isso_any_bytes() -> None:
    fuzz_import("isso/bytes", st.binary(max_size=2000), "isso", ".json")


def test_isso_mutated_export() -> None:
    fuzz_import("isso/mutated", mutated(ISSO_SEED), "isso", ".json")


def test_isso_generated_hostile_documents() -> None:
    fuzz_import("isso/generated", isso_documents(), "isso", ".json")


def test_commento_any_bytes() -> None:
    fuzz_import("commento/bytes", st.binary(max_size=2000), "commento", ".json")


def test_commento_mutated_export() -> None:
    fuzz_import("commento/mutated", mutated(COMMENTO_SEED), "commento", ".json")


def test_commento_generated_hostile_documents() -> None:
    fuzz_import("commento/generated", commento_documents(), "commento", ".json")


def test_remark42_any_bytes() -> None:
    fuzz_import("remark42/bytes", st.binary(max_size=2000), "remark42", ".json")


def test_remark42_mutated_backup_and_tree() -> None:
    fuzz_import(
        "remark42/mutated",
        mutated(REMARK_BACKUP_SEED) | mutated(REMARK_TREE_SEED),
        "remark42",
        ".json",
    )


def test_remark42_generated_hostile_documents() -> None:
    fuzz_import("remark42/generated", remark42_backups() | remark42_trees(), "remark42", ".json")


def test_debatte_jsonl_any_bytes() -> None:
    fuzz_import("debatte/bytes", st.binary(max_size=2000), "debatte", ".jsonl")


def test_debatte_jsonl_mutated_export() -> None:
    fuzz_import(
        "debatte/mutated", st.deferred(lambda: mutated(debatte_seed())), "debatte", ".jsonl"
    )


def test_debatte_jsonl_hostile_values() -> None:
    fuzz_import("debatte/generated", debatte_lines(), "debatte", ".jsonl")


DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize("fmt", ["isso", "commento", "remark42", "debatte"])
def test_deeply_nested_json_is_refused_clearly(fmt: str) -> None:
    with hard_timeout(60):
        assert check_import(f"{fmt}/attacks", DEEP, fmt, ".json") == "refused"
    assert "JSON" in LAST_ERROR[0] or "nested" in LAST_ERROR[0], LAST_ERROR[0]


@pytest.mark.parametrize("field", ["comment_count", "last_comment_number"])
def test_debatte_restore_refuses_an_integer_too_large_for_the_database(field: str) -> None:
    # SQLite raised OverflowError, which escaped the restore as a crash (found by the fuzzer).
    lines = debatte_seed().decode().splitlines()
    index = next(i for i, line in enumerate(lines) if '"articles.article"' in line)
    row = json.loads(lines[index])
    row["fields"][field] = 2**70
    lines[index] = json.dumps(row)
    outcome = check_import("debatte/overflow", "\n".join(lines).encode(), "debatte", ".jsonl")
    assert outcome == "refused"
    assert f"line {index + 1}" in LAST_ERROR[0]
