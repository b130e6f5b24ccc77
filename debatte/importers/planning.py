"""Numbers, threads and parents for imported comments, planned before anything is written.

Comments from another system are numbered in the order of writing: top-level #N by creation
time, replies #N.M by creation time within their thread; the real parent is kept. Comments
imported before (same `import_ref` on the same article) are skipped. A seed page's comments
keep the numbers the page gives them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from debatte.discussions.models import VISIBLE_STATUSES, Comment
from debatte.importers.records import CommentRecord, Problem


@dataclass
class Existing:
    """A comment stored before, as far as new replies to it need to know."""

    pk: int
    number: int
    reply_number: int
    root: str  # import_ref of its thread's top-level comment (itself when top level)
    last_reply_number: int


@dataclass
class Planned:
    record: CommentRecord
    ref: str  # its import_ref; a seed page's comments (which have none) "#N.M"
    root: str
    parent: str
    depth: int
    number: int = 0
    reply_number: int = 0
    parent_reply_number: int | None = None
    last_reply_number: int = 0
    reply_count: int = 0


def existing_comments(article_id: int) -> dict[str, Existing]:
    rows = list(
        Comment.objects.filter(article_id=article_id)
        .exclude(import_ref="")
        .values_list("import_ref", "pk", "number", "reply_number", "thread_id", "last_reply_number")
    )
    ref_by_pk = {pk: ref for ref, pk, *_rest in rows}
    return {
        ref: Existing(pk, number, reply, ref_by_pk.get(thread_id, ref) if thread_id else ref, last)
        for ref, pk, number, reply, thread_id, last in rows
    }


def plan_numbered(records: Iterable[CommentRecord]) -> list[Planned]:
    """A seed page's comments with their own numbers; a reply answers its thread."""
    planned: list[Planned] = []
    roots: dict[int, Planned] = {}
    for item in records:
        ref = f"#{item.number}.{item.reply_number}" if item.reply_number else f"#{item.number}"
        if not item.reply_number:
            p = Planned(item, ref, ref, "", 0, item.number)
            roots[item.number] = p
        else:
            root = roots[item.number]
            p = Planned(item, ref, root.ref, root.ref, 1, item.number, item.reply_number)
            root.last_reply_number = max(root.last_reply_number, item.reply_number)
            root.reply_count += item.status in VISIBLE_STATUSES
        planned.append(p)
    return planned


def plan_comments(
    records: Iterable[CommentRecord],
    existing: dict[str, Existing],
    last_number: int,
    problems: list[Problem],
) -> list[Planned]:
    """Numbers, threads and parents for the comments not imported yet."""
    new: dict[str, CommentRecord] = {}
    for item in records:
        if item.import_ref in existing:
            continue
        if item.import_ref in new:
            problems.append(
                Problem(item.position, f"{item.import_ref} listed twice: kept the first")
            )
            continue
        new[item.import_ref] = item
    parents = _parents(new, existing, problems)
    roots: dict[str, str] = {}
    planned = [
        Planned(item, ref, _root(ref, parents, existing, roots), parents[ref], 0)
        for ref, item in new.items()
    ]
    planned.sort(key=lambda p: p.record.created_at)  # stable: file order among equal times
    by_ref = {p.ref: p for p in planned}
    _number(planned, by_ref, existing, last_number)
    for p in planned:
        p.depth = _depth(p, by_ref)
    return planned


def _parents(
    new: dict[str, CommentRecord], existing: dict[str, Existing], problems: list[Problem]
) -> dict[str, str]:
    parents: dict[str, str] = {}
    for ref, item in new.items():
        parent = item.parent_ref
        if parent and parent != ref and parent not in new and parent not in existing:
            problems.append(
                Problem(item.position, f"answers {parent}, which is missing: imported as top level")
            )
            parent = ""
        parents[ref] = "" if parent == ref else parent
    # Break cycles (a -> b -> a): the first comment met in a cycle becomes top level.
    for ref in new:
        seen = {ref}
        current = parents[ref]
        while current and current in parents:
            if current in seen:
                problems.append(Problem(new[ref].position, "parents form a cycle: made top level"))
                parents[ref] = ""
                break
            seen.add(current)
            current = parents[current]
    return parents


def _root(
    ref: str, parents: dict[str, str], existing: dict[str, Existing], memo: dict[str, str]
) -> str:
    chain = []
    current = ref
    while current not in memo:
        if current in existing:
            memo[current] = existing[current].root
            break
        parent = parents.get(current, "")
        if not parent:
            memo[current] = current
            break
        chain.append(current)
        current = parent
    root = memo[current]
    for item in chain:
        memo[item] = root
    return root


def _number(
    planned: list[Planned],
    by_ref: dict[str, Planned],
    existing: dict[str, Existing],
    last_number: int,
) -> None:
    for p in planned:
        if p.root == p.ref:
            last_number += 1
            p.number = last_number
    counters: dict[str, int] = defaultdict(int)
    for p in planned:
        if p.root == p.ref:
            continue
        root = by_ref.get(p.root)
        if root is None:
            old = existing[p.root]
            counters.setdefault(p.root, old.last_reply_number)
            p.number = old.number
        else:
            p.number = root.number
            root.last_reply_number += 1
            root.reply_count += p.record.status in VISIBLE_STATUSES
        counters[p.root] += 1
        p.reply_number = counters[p.root]
    for p in planned:
        parent = by_ref.get(p.parent)
        parent_reply = (
            parent.reply_number
            if parent
            else (existing[p.parent].reply_number if p.parent in existing else 0)
        )
        p.parent_reply_number = parent_reply or None


def _depth(p: Planned, by_ref: dict[str, Planned]) -> int:
    depth = 0
    current = by_ref.get(p.parent)
    while current is not None:
        depth += 1
        current = by_ref.get(current.parent)
    return depth
