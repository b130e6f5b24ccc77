"""Fast unit tests: a tiny model trained in the test, no shipped model, no database."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from debatte.classifier import embeddings
from debatte.classifier.features import (
    NgramTfidf,
    char_ngrams,
    embedding_text,
    normalize,
    word_ngrams,
)
from debatte.classifier.full_paths import KernelPath
from debatte.classifier.head import Head
from debatte.classifier.jsonl import classify_lines
from debatte.classifier.language import detect_language
from debatte.classifier.metrics import (
    average_precision,
    best_threshold,
    bootstrap_intervals,
    classification_report,
    precision_at_top,
)
from debatte.classifier.model import ClassifierModel, load_model
from debatte.classifier.model_files import save_model
from debatte.classifier.train_corpora import load_site_decisions
from debatte.classifier.train_linear import fit_fast, fold_ids
from tests.classifier.conftest import DE_BAD, DE_OK, tiny_corpus


def test_normalize_replaces_urls_mentions_and_repeats() -> None:
    text = "@Hans Schau mal https://example.org/x SOOOOO gut|LBR|ja"
    assert normalize(text) == "@user schau mal url sooo gut ja"


def test_embedding_text_drops_addressees_and_links() -> None:
    text = "@Hans @Eva_K: Du bist https://example.org/x ein @Depp|LBR|ja"
    assert embedding_text(text) == "Du bist ein @user\nja"
    # nothing but a mention: keep it rather than embed an empty string
    assert embedding_text("@Hans") == "@Hans"


def test_kernel_path_matches_scikit_learn_after_saving(
    tmp_path: Path, fake_backend: str, make_heads: Callable[..., dict[str, Head]]
) -> None:
    """The numpy kernel machine that scores gives the decisions scikit-learn trained."""
    from sklearn.svm import SVC

    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 8)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 > 0.4).astype(int)
    svm = SVC(C=1.0, kernel="rbf", gamma=0.2).fit(x[:60], y[:60])
    heads = make_heads(backends=(fake_backend,))
    assert heads["de"].full is not None
    heads["de"].full = KernelPath(
        backends=[fake_backend],
        scale={fake_backend: 1.0},
        vectors=svm.support_vectors_.astype(np.float32),
        dual=svm.dual_coef_[0].astype(np.float32),
        gamma=0.2,
        intercept=float(svm.intercept_[0]),
        stack=(0.0, 1.0, 0.0),
    )
    save_model(tmp_path / "m", heads, {"name": "tiny"})
    loaded = load_model(tmp_path / "m").heads["de"].full
    assert loaded is not None
    ours = loaded.svm_decisions({fake_backend: x[60:]})
    np.testing.assert_allclose(ours, svm.decision_function(x[60:]), atol=5e-3)


def test_ngrams() -> None:
    assert word_ngrams("du bist doof") == ["du", "bist", "doof", "du bist", "bist doof"]
    assert " d" in char_ngrams("du") and "du " in char_ngrams("du")
    assert word_ngrams("") == ["<empty>"]


def test_vectorizer_rows_are_l2_normalised_and_deterministic() -> None:
    docs = [normalize(t) for t in ["a b c", "a b", "b c d", "a a a"]]
    v1 = NgramTfidf("word", min_df=1).fit(docs)
    v2 = NgramTfidf("word", min_df=1).fit(list(reversed(docs)))
    assert v1.vocab == v2.vocab
    x = v1.transform(docs).toarray()
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0)
    idx, val = v1.row("unknown words only")
    assert len(idx) == 0 and len(val) == 0


def test_char_rows_from_remembered_tokens_match_the_n_grams() -> None:
    docs = [normalize(t) for t in ["Du bist doof", "doof doof, du", "Bist du da?", "da da"]]
    vec = NgramTfidf("char", min_df=1).fit(docs)
    for doc in [*docs, "doof bist du", "ganz neue wörter doof"]:
        counted: dict[int, int] = {}
        for gram in char_ngrams(doc):
            if gram in vec.vocab:
                counted[vec.vocab[gram]] = counted.get(vec.vocab[gram], 0) + 1
        assert sorted(vec.columns(doc)) == sorted(j for j, c in counted.items() for _ in range(c))
        idx, _val = vec.row(doc)
        assert sorted(idx.tolist()) == sorted(counted)
    assert vec.token_columns.cache_info().hits > 0
    # refitting on other comments forgets the columns of the old vocabulary
    vec.fit([normalize(t) for t in ["ganz andere texte", "andere texte"]])
    assert vec.columns("doof") == []
    assert vec.columns("andere") == [vec.vocab[g] for g in char_ngrams("andere")]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Das ist doch nicht dein Ernst, oder?", "de"),
        ("Schöne Grüße aus Wien", "de"),
        ("This is not what I expected from you", "en"),
        ("you are so right lol", "en"),
        ("12345 !!!", "other"),
        ("", "other"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_official_metric_matches_hand_computation() -> None:
    y = [1, 1, 0, 0, 0, 0]
    pred = [1, 0, 1, 0, 0, 0]
    rep = classification_report(y, pred)
    macro_p = (0.5 + 0.75) / 2
    macro_r = (0.5 + 0.75) / 2
    assert rep["official"] == pytest.approx(2 * macro_p * macro_r / (macro_p + macro_r))
    assert rep["macro_f1"] == pytest.approx((0.5 + 0.75) / 2)


def test_ranking_metrics() -> None:
    y = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    s = [0.9, 0.8, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert average_precision(y, s) == pytest.approx((1 + 2 / 3) / 2)
    assert precision_at_top(y, s, 0.1) == 1.0
    assert 0.0 < best_threshold(y, s) <= 0.9


def test_bootstrap_intervals_bracket_the_figures_and_narrow_with_more_comments() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 400)
    s = np.clip(0.5 * y + rng.normal(0.25, 0.25, 400), 0, 1)
    point_official = classification_report(y, (s >= 0.5).astype(int))["official"]
    point_ap = average_precision(y, s)
    ci = bootstrap_intervals(y, s, 0.5, resamples=500)
    assert ci["official"][0] < point_official < ci["official"][1]
    assert ci["pr_auc"][0] < point_ap < ci["pr_auc"][1]
    assert bootstrap_intervals(y, s, 0.5, resamples=500) == ci  # seeded

    # Each resample's figures are those of the comments it drew, counted with repetition.
    wide = bootstrap_intervals(y[:100], s[:100], 0.5, resamples=500)
    assert wide["official"][1] - wide["official"][0] > ci["official"][1] - ci["official"][0]
    one = np.random.default_rng(3).multinomial(100, np.full(100, 0.01))
    drawn = np.repeat(np.arange(100), one)
    direct = bootstrap_intervals(y[:100], s[:100], 0.5, resamples=1, level=0.0, seed=3)
    assert direct["official"][0] == pytest.approx(
        classification_report(y[drawn], (s[drawn] >= 0.5).astype(int))["official"]
    )
    assert direct["pr_auc"][0] == pytest.approx(average_precision(y[drawn], s[drawn]))


def test_fold_ids_stratified_and_seeded() -> None:
    labels = np.array([0] * 10 + [1] * 5)
    a = fold_ids(labels, 5, seed=3)
    assert (a == fold_ids(labels, 5, seed=3)).all()
    for k in range(5):
        assert labels[a == k].sum() == 1


def test_tiny_model_scores_and_explains(tiny_model: ClassifierModel) -> None:
    bad = tiny_model.score("Du bist ein dummer Idiot", mode="fast")
    ok = tiny_model.score("Danke für den Artikel, schöner Beitrag", mode="fast")
    assert bad.score > ok.score
    assert 0.0 <= ok.score <= 1.0 and 0.0 <= bad.score <= 1.0
    assert bad.language == "de" and bad.model.endswith(":de:fast")
    assert "idiot" in bad.reasons
    en = tiny_model.score("you stupid moron", mode="fast")
    assert en.language == "en" and en.model.endswith(":en:fast")
    assert en.score > tiny_model.score("thanks, have a nice day", mode="fast").score


def test_auto_mode_without_full_model_uses_fast_path(tiny_model: ClassifierModel) -> None:
    assert tiny_model.score("Du Idiot").model.endswith(":fast")
    with pytest.raises(RuntimeError):
        tiny_model.score("Du Idiot", mode="full")


def test_training_is_reproducible(
    tmp_path: Path, make_heads: Callable[..., dict[str, Head]]
) -> None:
    save_model(tmp_path / "a", make_heads(), {"name": "tiny"})
    save_model(tmp_path / "b", make_heads(), {"name": "tiny"})
    for name in ("meta.json", "de.npz", "de.vocab.json.gz", "en.npz", "en.vocab.json.gz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_model_files_load_without_pickle(tiny_model_dir: Path) -> None:
    for npz in tiny_model_dir.glob("*.npz"):
        with np.load(npz, allow_pickle=False) as z:
            assert all(z[k].dtype != object for k in z.files)


def test_full_path_with_embedding_backend_and_fallback(
    tmp_path: Path,
    fake_backend: str,
    monkeypatch: pytest.MonkeyPatch,
    make_heads: Callable[..., dict[str, Head]],
) -> None:
    save_model(tmp_path / "full", make_heads(backends=(fake_backend,)), {"name": "tiny"})
    model = load_model(tmp_path / "full")
    full = model.score("Du bist ein Idiot")
    assert full.model.endswith(":de:full")
    assert full.score > model.score("Danke für den Artikel").score
    # the backend disappears: auto mode falls back to the fast path
    monkeypatch.setitem(embeddings._cache, fake_backend, None)
    assert model.score("Du bist ein Idiot").model.endswith(":de:fast")
    monkeypatch.setenv("DEBATTE_CLASSIFIER_FAST", "1")
    assert model.score("Du bist ein Idiot").model.endswith(":de:fast")


def test_classify_lines(tiny_model: ClassifierModel) -> None:
    lines = [
        json.dumps({"id": 7, "text": "Du bist ein Idiot"}),
        "",
        "not json",
        json.dumps({"body": "no text field"}),
        json.dumps({"text": "Danke für den Artikel"}),
    ]
    out = io.StringIO()
    assert classify_lines(lines, out.write, mode="fast", model=tiny_model) == 4
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert recs[0]["id"] == 7 and 0 <= recs[0]["score"] <= 1 and "idiot" in recs[0]["reasons"]
    assert "error" in recs[1] and "error" in recs[2]
    assert recs[3]["score"] < recs[0]["score"] and recs[3]["language"] == "de"


def test_site_decisions_loader(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text(
        '{"text": "a", "label": 1}\n{"text": "b", "decision": "approve"}\n'
        '{"text": "c", "decision": "reject"}\n',
        encoding="utf-8",
    )
    assert [e.label for e in load_site_decisions(path)] == [1, 0, 1]


def test_report_formatting() -> None:
    from debatte.classifier.evaluate import format_results, metrics_for

    labels = [1, 0, 1, 0] * 5
    results = {
        "model": "tiny",
        "meta_training_data": {},
        "sets": {"germeval2018": {"fast": metrics_for(labels, [0.9, 0.1] * 10, 0.5)}},
    }
    text = format_results(results)
    assert "76.77" in text and "germeval2018" in text and "100.00" in text
    assert "95 % bootstrap interval official 100.00-100.00" in text
    assert "the 2018 winner's 76.77: below it" in text


def test_fast_path_scores_what_training_fitted_after_saving(tmp_path: Path) -> None:
    """The saved head's sparse sum over the n-grams present gives the decisions of the NB-LR
    model training fitted."""
    from scipy import sparse

    from debatte.classifier.features import lang_matrix

    corpus = tiny_corpus(DE_BAD, DE_OK)
    norms = [normalize(t) for t in corpus.texts]
    word = NgramTfidf("word", min_df=1).fit(norms)
    char = NgramTfidf("char", min_df=1).fit(norms)

    def features(texts: list[str]) -> sparse.csr_matrix:
        rows = [normalize(t) for t in texts]
        blocks = [word.transform(rows), char.transform(rows), lang_matrix(["de"] * len(rows))]
        return sparse.hstack(blocks, format="csr")

    fitted = fit_fast(features(corpus.texts), corpus.labels, c=0.03, seed=1)
    head = Head("de", word, char, fitted.coef.astype(np.float32), fitted.intercept, (1.0, 0.0))
    save_model(tmp_path / "m", {"de": head}, {"name": "tiny"})
    loaded = load_model(tmp_path / "m").heads["de"]
    new = ["Du bist ein Vollidiot", "Danke, ein guter Artikel", "Idiot Idiot Idiot"]
    ours = [loaded.fast_decision(normalize(t), "de") for t in new]
    np.testing.assert_allclose(ours, fitted.decision_function(features(new)), atol=1e-4)
    assert ours[0] > ours[1]


def test_naive_bayes_weights_follow_the_labels() -> None:
    """An n-gram seen only in offensive comments weighs up, one seen only in others down;
    repeating a word does not add to its weight (presence, not counts)."""
    from scipy import sparse

    from debatte.classifier.features import lang_matrix

    corpus = tiny_corpus(DE_BAD, DE_OK)
    norms = [normalize(t) for t in corpus.texts]
    word = NgramTfidf("word", min_df=1).fit(norms)
    x = sparse.hstack([word.transform(norms), lang_matrix(["de"] * len(norms))], format="csr")
    fitted = fit_fast(x, corpus.labels, c=0.03, seed=1)
    assert fitted.coef[word.vocab["idiot"]] > 0 > fitted.coef[word.vocab["danke"]]
    once, thrice = word.transform(["du idiot", "du idiot idiot idiot"])
    pad = sparse.csr_matrix((1, 3))
    decisions = fitted.decision_function(
        sparse.vstack([sparse.hstack([once, pad]), sparse.hstack([thrice, pad])], format="csr")
    )
    assert decisions[0] == pytest.approx(decisions[1])


@pytest.mark.parametrize("version", [2, 3, 4, 5, 7, None])
def test_a_model_of_another_format_is_refused_with_what_to_do(
    tiny_model_dir: Path, version: int | None
) -> None:
    """Models written before format 6 (classifier versions 1-5) are no longer read."""
    meta = json.loads((tiny_model_dir / "meta.json").read_text())
    meta["format_version"] = version
    (tiny_model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match=f"unsupported model format {version!r}.*train-classifier"):
        load_model(tiny_model_dir)


def test_a_head_with_a_tfidf_fast_path_is_refused(tiny_model_dir: Path) -> None:
    meta = json.loads((tiny_model_dir / "meta.json").read_text())
    meta["head_info"]["en"]["fast_features"] = "tfidf"
    (tiny_model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="head 'en'.*unsupported fast path"):
        load_model(tiny_model_dir)
