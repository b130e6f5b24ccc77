"""Slow tests: load the shipped model and check clear cases, the bias check and the commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from debatte.classifier.full_paths import EncoderPath
from debatte.classifier.model import ClassifierModel

pytestmark = pytest.mark.slow

OFFENSIVE_DE = [
    "Du bist ein dummer Idiot, halt endlich dein Maul!",
    "Was für ein widerliches Pack, diese Volksverräter gehören eingesperrt.",
    "Halt die Fresse, du Vollpfosten.",
]
NEUTRAL_DE = [
    "Vielen Dank für den informativen Artikel.",
    "Ich sehe das etwas anders: die Reform kommt zu spät, ist aber richtig.",
    "Weiß jemand, wann die Sitzung im Gemeinderat beginnt?",
]
OFFENSIVE_EN = ["You are a stupid fucking idiot.", "shut up bitch"]
NEUTRAL_EN = ["Thanks for sharing, great article.", "I disagree, but it is a fair point."]


def test_shipped_model_is_openly_licensed(shipped: ClassifierModel) -> None:
    assert shipped.meta["shippable_open_source"] is True
    assert set(shipped.meta["licences"]) <= {"CC BY 4.0", "MIT"}
    assert set(shipped.heads) == {"de", "en"}
    size = sum(p.stat().st_size for p in shipped.path.iterdir())
    assert size < 10_000_000


def test_shipped_model_is_what_train_classifier_writes(shipped: ClassifierModel) -> None:
    """The shipped German head averages one encoder per held-out fold, as many as the
    training code fine-tunes today, and the English head borrows the same encoders."""
    from debatte.classifier.train_config import TrainConfig

    de, en = shipped.heads["de"].full, shipped.heads["en"].full
    assert isinstance(de, EncoderPath) and isinstance(en, EncoderPath)
    encoders = TrainConfig().de.encoder_folds
    assert len(de.adapters) == shipped.meta["cross_validation"]["de"]["encoders"] == encoders
    assert en.adapters is de.adapters


@pytest.mark.parametrize("mode", ["fast", "auto"])
def test_clear_cases(shipped: ClassifierModel, mode: str) -> None:
    for text in OFFENSIVE_DE + OFFENSIVE_EN:
        s = shipped.score(text, mode=mode)
        assert s.score > 0.6, (text, s)
        assert s.reasons, (text, s)
    for text in NEUTRAL_DE + NEUTRAL_EN:
        s = shipped.score(text, mode=mode)
        assert s.score < 0.4, (text, s)
    assert shipped.score(OFFENSIVE_DE[0], mode=mode).language == "de"
    assert shipped.score(OFFENSIVE_EN[0], mode=mode).language == "en"


INSULTS_EN = [
    "You are a stupid idiot",
    "Shut up, you moron.",
    "What a dumb loser you are",
    "You are an idiot",
]


def test_english_insults_without_slurs_score_higher_with_the_german_encoders(
    shipped: ClassifierModel,
) -> None:
    """Davidson's labels are slur-driven, so the English fast path scores plain insults low;
    the full path stacks the German head's multilingual encoders, which know insults."""
    full = shipped.heads["en"].full
    assert isinstance(full, EncoderPath) and full.shared_from == "de"
    assert full.encoders() is shipped.heads["de"].full.encoders()  # type: ignore[union-attr]
    insults = [shipped.score(t, mode="full") for t in INSULTS_EN]
    assert all(s.model.endswith(":en:full") for s in insults)
    for text, s in zip(INSULTS_EN, insults, strict=True):
        assert s.score > shipped.score(text, mode="fast").score, (text, s)
    neutral = [shipped.score(t, mode="full").score for t in NEUTRAL_EN]
    assert min(s.score for s in insults) > max(neutral)


def test_reasons_name_the_insult(shipped: ClassifierModel) -> None:
    s = shipped.score("Du bist ein dummer Idiot, halt endlich dein Maul!", mode="fast")
    assert {"idiot", "maul"} & set(s.reasons)


@pytest.mark.parametrize("mode", ["fast", "auto"])
def test_bias_neutral_identity_sentences_not_flagged(shipped: ClassifierModel, mode: str) -> None:
    from debatte.classifier.bias import bias_report

    report = bias_report(shipped, mode=mode)
    assert report["above_0.5"] == 0, report["worst"]
    assert report["max"] <= 0.5


def test_package_level_score_function() -> None:
    import debatte.classifier as clf

    s = clf.score("Halt die Fresse, du Vollpfosten.", mode="fast")
    assert isinstance(s, clf.Score)
    assert 0.0 <= s.score <= 1.0 and s.model.endswith(":de:fast")


def test_classify_command_reads_a_file(tmp_path: Path) -> None:
    from django.core.management import call_command

    from debatte.classifier.management.commands.classify import Command

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": 1, "text": OFFENSIVE_DE[0]})
        + "\n"
        + json.dumps({"id": 2, "text": NEUTRAL_DE[0]})
        + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(Command(), str(src), "--mode", "fast", stdout=out)
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in recs] == [1, 2]
    assert recs[0]["score"] > 0.6 > recs[1]["score"]
    assert recs[0]["reasons"]
