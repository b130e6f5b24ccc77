"""The apps are floors: an app imports only from the floors below it, never from above.

Every import counts: at the top of a module, inside a function, `from debatte.x import y`,
`import debatte.x` and relative imports. What a lower app needs from a higher one it declares
itself and the higher app plugs in when Django starts (its `AppConfig.ready`), or it sends an
event or signal the higher app receives (docs/ARCHITECTURE.md, "Floors").
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "debatte"

# Bottom to top. Apps on the same floor do not import each other either (see SAME_FLOOR).
FLOORS: list[set[str]] = [
    {"core", "classifier"},  # core imports no app; classifier imports no other app
    {"articles"},  # sites, roles on sites, sections, articles
    {"accounts"},
    {"discussions"},
    {"moderation"},
    {"live", "notifications"},
    {"embed", "api", "importers", "ops"},
    {"siteadmin", "demo"},  # site settings (API tokens, webhooks, members); the demo fills all
]

# Same-floor imports that are allowed, each with its reason: (importing app, imported app).
SAME_FLOOR: dict[tuple[str, str], str] = {
    ("importers", "api"): "the JSONL export/restore covers every table, the API's tokens too",
}

# Files whose upward imports are not moved yet, each with what is to be done. The test fails
# when a listed file has none left (take it off the list), like for any other file.
PENDING: dict[str, str] = {}

# The package's own files outside any app (debatte/cli.py, debatte/__main__.py) and the
# migrations (which name other apps' migrations as dependencies, never import them) are free.
TOP_LEVEL = {"cli", "__main__", "__init__"}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the importing module, dotted
    target: str  # the imported module (or package), dotted
    at_top: bool  # at module level (not inside a function or an `if TYPE_CHECKING:`)


def floor_of(app: str) -> int:
    for number, apps in enumerate(FLOORS):
        if app in apps:
            return number
    raise AssertionError(f"debatte/{app}/ is on no floor: add it to FLOORS in {__file__}")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path, self.module, self.depth = path, module_name(path), 0
        self.found: list[Import] = []

    def _add(self, node: ast.stmt, target: str) -> None:
        if target == "debatte" or target.startswith("debatte."):
            self.found.append(Import(self.path, node.lineno, self.module, target, not self.depth))

    def _nested(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _nested

    def visit_If(self, node: ast.If) -> None:
        test = ast.unparse(node.test)
        if test in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            self._nested(node)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _resolve(self.path, node)
        self._add(node, base)
        for alias in node.names:  # `from debatte.x import y` where y is a module imports it
            if base.startswith("debatte") and _is_module(f"{base}.{alias.name}"):
                self._add(node, f"{base}.{alias.name}")


def imports() -> Iterator[Import]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        visitor = _Visitor(path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        yield from visitor.found


def app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if len(parts) < 2 or parts[1] in TOP_LEVEL:
        return None
    return parts[1]


def _floor_table() -> str:
    return "\n".join(
        f"  {number}: {', '.join(sorted(apps))}"
        for number, apps in reversed(list(enumerate(FLOORS)))
    )


def test_every_app_is_on_a_floor() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    missing = sorted(app for app in apps if not any(app in floor for floor in FLOORS))
    assert not missing, f"Apps on no floor: {missing}; add them to FLOORS"


def test_apps_import_only_from_the_floors_below() -> None:
    upward, pending = [], set()
    for found in imports():
        source, target = app_of(found.module), app_of(found.target)
        if source is None or target is None or source == target:
            continue
        below = floor_of(target) < floor_of(source)
        same = floor_of(target) == floor_of(source)
        if below or (same and (source, target) in SAME_FLOOR):
            continue
        where = found.path.relative_to(PACKAGE.parent)
        if str(where) in PENDING:
            pending.add(str(where))
            continue
        upward.append(f"  {where}:{found.line} → {found.target}")
    assert not upward, (
        "Imports from a floor above (or from another app on the same floor):\n"
        + "\n".join(sorted(set(upward)))
        + "\n\nFloors, top to bottom:\n"
        + _floor_table()
        + "\nDeclare what the lower app needs and let the higher app plug it in"
        " (docs/ARCHITECTURE.md, 'Floors')."
    )
    done = sorted(set(PENDING) - pending)
    assert not done, f"No upward imports left in {done}: take them off PENDING"


def _found_in(source: str, path: str) -> list[tuple[str, bool]]:
    visitor = _Visitor(PACKAGE / path)
    visitor.visit(ast.parse(source))
    return [(found.target, found.at_top) for found in visitor.found]


def test_imports_are_found_in_every_form() -> None:
    source = (
        "import debatte.moderation.audit\n"
        "from ..models import Comment\n"
        "from . import counters\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from debatte.live import broker\n"
        "def later():\n"
        "    from debatte.notifications.tasks import send_reply_mail\n"
    )
    assert _found_in(source, "discussions/services/example.py") == [
        ("debatte.moderation.audit", True),
        ("debatte.discussions.models", True),
        ("debatte.discussions.services", True),
        ("debatte.discussions.services.counters", True),
        ("debatte.live", False),
        ("debatte.live.broker", False),
        ("debatte.notifications.tasks", False),
    ]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_between_modules() -> None:
    """Two modules that import each other (at the top or inside a function) are one module in
    two files, or one of them holds something the other should own."""
    edges: dict[str, set[str]] = {}
    for found in imports():
        if found.target != found.module and not found.module.startswith(f"{found.target}."):
            edges.setdefault(found.module, set()).add(found.target)
    cycles = _cycles(edges)
    assert not cycles, "Import cycles:\n" + "\n".join("  " + " ↔ ".join(c) for c in cycles)


def _documented_floors() -> dict[int, set[str]]:
    text = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("## Floors", 1)[1].split("```")[1]
    floors = {}
    for line in block.strip().splitlines():
        number, rest = line.split(maxsplit=1)
        names = re.split(r"\s{2,}", rest)[0]
        floors[int(number)] = {name.strip() for name in names.split(",")}
    return floors


def test_architecture_md_shows_these_floors_and_every_app() -> None:
    assert _documented_floors() == dict(enumerate(FLOORS))
    text = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    parts = text.split("## The parts", 1)[1].split("```")[1]
    listed = set(re.findall(r"^  (\w+)/", parts, flags=re.MULTILINE))
    assert {app for floor in FLOORS for app in floor} <= listed
