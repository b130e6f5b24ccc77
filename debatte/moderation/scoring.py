"""The scoring interface the classifier phase calls: `scorer(text) -> object with .score
(0..1) and .reasons (list of words)`. Which scorer is used is a setting
(DEBATTE["SCORER"], a dotted path); none configured means comments are not scored."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Scored(Protocol):
    score: float
    reasons: list[str]


Scorer = Callable[[str], Any]


@lru_cache(maxsize=4)
def load_scorer(path: str) -> Scorer:
    return import_string(path)  # type: ignore[no-any-return]


def get_scorer() -> Scorer | None:
    path = settings.DEBATTE.get("SCORER") or ""
    return load_scorer(path) if path else None
