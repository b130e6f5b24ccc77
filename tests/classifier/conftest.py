"""Fixtures for the classifier tests: a tiny model trained in seconds from made-up comments."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from debatte.classifier import embeddings
from debatte.classifier.head import Head
from debatte.classifier.model import ClassifierModel, load_model
from debatte.classifier.model_files import save_model
from debatte.classifier.train import fit_head
from debatte.classifier.train_config import HeadConfig
from debatte.classifier.train_corpora import Corpus

DE_BAD = [
    "Du bist ein Idiot",
    "Was für ein dummer Idiot",
    "Halt die Klappe, du Vollidiot",
    "Diese Politiker sind alle Verbrecher und Lügner",
    "Du dumme Kuh",
    "Verpiss dich, du Arschloch",
    "So ein Schwachsinn, ihr Deppen",
    "Der Typ ist ein Volltrottel",
    "Lügner und Verbrecher, alle miteinander",
    "Halt dein dummes Maul",
]
DE_OK = [
    "Danke für den interessanten Artikel",
    "Ich sehe das anders, aber gutes Argument",
    "Heute scheint die Sonne in Wien",
    "Die Regierung plant eine neue Steuerreform",
    "Gibt es dazu eine Quelle?",
    "Schöner Beitrag, vielen Dank",
    "Der Zug hatte heute Verspätung",
    "Ich stimme Ihnen teilweise zu",
    "Wann beginnt die Veranstaltung?",
    "Das Wetter wird morgen besser",
]
EN_BAD = ["you are an idiot", "shut up you stupid moron", "what a dumb idiot", "you moron"]
EN_OK = ["thanks for the article", "i agree with you", "have a nice day", "good point"]


def tiny_corpus(bad: Sequence[str], ok: Sequence[str], repeat: int = 3) -> Corpus:
    texts = [t for _ in range(repeat) for t in [*bad, *ok]]
    labels = np.array([lab for _ in range(repeat) for lab in [1] * len(bad) + [0] * len(ok)])
    return Corpus(texts, labels, ["test"] * len(texts))


def tiny_heads(backends: tuple[str, ...] = ()) -> dict[str, Head]:
    cfg = HeadConfig(
        word_min_df=1, char_min_df=1, backends=backends, emb_scale=dict.fromkeys(backends, 1.0)
    )
    heads = {}
    for name, corpus in (("de", tiny_corpus(DE_BAD, DE_OK)), ("en", tiny_corpus(EN_BAD, EN_OK))):
        emb = {b: embeddings.embed(b, corpus.texts) for b in backends} if backends else None
        heads[name], _report = fit_head(
            name, corpus, cfg, seed=1, folds=3, emb=emb, progress=lambda _m: None
        )
    return heads


def fake_embedder(texts: Sequence[str]) -> np.ndarray:
    """Deterministic 8-d 'embedding': counts of a few letters, normalised."""
    out = np.array([[t.lower().count(c) for c in "aeioudst"] for t in texts], dtype=np.float32)
    out += 1e-3
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def shipped() -> ClassifierModel:
    """The shipped model (loaded once per module)."""
    from debatte.classifier.model import get_model

    return get_model()


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(embeddings.LOADERS, "fake", lambda: fake_embedder)
    monkeypatch.delitem(embeddings._cache, "fake", raising=False)
    yield "fake"
    embeddings._cache.pop("fake", None)


@pytest.fixture
def make_heads() -> Callable[..., dict[str, Head]]:
    return tiny_heads


@pytest.fixture
def tiny_model_dir(tmp_path: Path) -> Path:
    save_model(tmp_path / "tiny", tiny_heads(), {"name": "tiny"})
    return tmp_path / "tiny"


@pytest.fixture
def tiny_model(tiny_model_dir: Path) -> ClassifierModel:
    return load_model(tiny_model_dir)
