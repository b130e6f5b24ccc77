"""The shipped model (version 8) is frozen: its files, and its scores on fixed comments, stay.

``shipped_scores.json`` was written by the scoring code that shipped version 8, before that code
was pruned; every later change to the scoring code must give these bytes again. The scores are
float32 products in numpy's BLAS, whose kernels differ between kinds of CPU: they are compared
bit for bit where the BLAS is the one that recorded them (``recorded_with``), and to a millionth
(fast path) or 2e-5 (full path) elsewhere. Reasons, language and the path that scored are
compared exactly everywhere.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from debatte.classifier.model import DEFAULT_MODEL_DIR, ClassifierModel

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).with_name("shipped_scores.json")

TEXTS = [
    "Du bist ein dummer Idiot, halt endlich dein Maul!",
    "Was für ein widerliches Pack, diese Volksverräter gehören eingesperrt.",
    "Halt die Fresse, du Vollpfosten.",
    "Vielen Dank für den informativen Artikel.",
    "Ich sehe das etwas anders: die Reform kommt zu spät, ist aber richtig.",
    "Die Grünen haben heute ihr Programm vorgestellt.",
    "@merkel Lügner und Verbrecher, alle miteinander!!!! https://example.org/x",
    "Türken leben seit vielen Jahren in unserer Stadt.",
    "You are a stupid fucking idiot.",
    "shut up bitch",
    "Thanks for sharing, great article.",
    "I disagree, but it is a fair point.",
    "You are an idiot",
    "",
    "12345 ???",
    "Sooooo ein Schwachsinnnnnn, ihr Deppen |LBR| echt jetzt",
    "Ein langer Kommentar über die Verkehrspolitik der Stadt. " * 12,
]
TOLERANCE = {"fast": 1e-6, "full": 2e-5}


def blas_fingerprint() -> str:
    """numpy's version and its BLAS: library, version and kernel kind (e.g. OpenBLAS SkylakeX)."""
    from threadpoolctl import threadpool_info

    blas = [
        f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}"
        for i in threadpool_info()
        if i.get("user_api") == "blas" and "numpy" in str(i.get("filepath"))
    ]
    return f"numpy {np.__version__}; " + "; ".join(sorted(blas))


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def assert_same_scores(got: list[float], want_hex: list[str], tolerance: float, exact: bool):
    want = [float.fromhex(h) for h in want_hex]
    if exact:
        assert [g.hex() for g in got] == want_hex
    else:
        assert np.allclose(got, want, rtol=0, atol=tolerance), np.subtract(got, want)


def test_shipped_model_files_are_version_8s(golden: dict[str, Any]) -> None:
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(DEFAULT_MODEL_DIR.iterdir())
    }
    assert files == golden["files"]


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_shipped_model_scores_each_comment_as_version_8_did(
    shipped: ClassifierModel, golden: dict[str, Any], mode: str
) -> None:
    scores = [shipped.score(text, mode=mode) for text in TEXTS]
    want = golden[mode]
    assert [{"reasons": s.reasons, "language": s.language, "model": s.model} for s in scores] == [
        {k: w[k] for k in ("reasons", "language", "model")} for w in want
    ]
    exact = golden["recorded_with"] == blas_fingerprint()
    assert_same_scores(
        [s.score for s in scores], [w["score"] for w in want], TOLERANCE[mode], exact
    )


def test_shipped_model_scores_comments_together_as_version_8_did(
    shipped: ClassifierModel, golden: dict[str, Any]
) -> None:
    """Scored in one batch the encoders pad to the longest comment: other bytes, also pinned."""
    scores = shipped.score_many(TEXTS, mode="full")
    exact = golden["recorded_with"] == blas_fingerprint()
    assert_same_scores(
        [s.score for s in scores], golden["full, scored together"], TOLERANCE["full"], exact
    )
