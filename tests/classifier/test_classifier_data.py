"""The corpus loaders agree with the counts in each corpus README (reads ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from debatte.classifier import data


@pytest.fixture(scope="module", autouse=True)
def _require_data() -> None:
    if not (data.data_dir() / "germeval2018").is_dir():
        pytest.fail(f"corpora missing: {data.data_dir()} (../shared must lie beside the checkout)")


def test_germeval_counts() -> None:
    train = data.load_germeval2018("training")
    test = data.load_germeval2018("test")
    assert (len(train), sum(e.label for e in train)) == (5009, 1688)
    assert (len(test), sum(e.label for e in test)) == (3532, 1202)
    assert not any("|LBR|" in e.text for e in train)


def test_davidson_split_is_fixed_and_disjoint() -> None:
    train = data.load_davidson2017("train")
    test = data.load_davidson2017("test")
    assert len(train) + len(test) == 24783
    assert len(test) == 4956
    assert test[:3] == data.load_davidson2017("test")[:3]


def test_one_million_posts_and_germs() -> None:
    inap = data.load_one_million_posts("Inappropriate")
    assert (len(inap), sum(e.label for e in inap)) == (3599, 303)
    assert {e.group for e in inap} == set(range(1, 11))
    germs = data.load_germs_detect("test")
    assert (len(germs), sum(e.label for e in germs)) == (1986, 634)
    assert sum(e.label for e in data.load_germs_detect("traindev")) == 1913


def test_licences_of_default_training_data_are_shippable() -> None:
    for corpus in ("germeval2018", "davidson2017"):
        assert data.LICENCES[corpus] in data.SHIPPABLE_LICENCES
    for corpus in ("one-million-posts", "germs-detect-2024"):
        assert data.LICENCES[corpus] not in data.SHIPPABLE_LICENCES


def test_the_sites_data_directory_does_not_hide_the_corpora(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$DEBATTE_DATA_DIR is where the site keeps SQLite and static files; setting it must not
    send train-classifier looking for the corpora there (make bench sets it, for one)."""
    monkeypatch.setenv("DEBATTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEBATTE_CORPORA_DIR", raising=False)
    assert (data.data_dir() / "germeval2018").is_dir()
    monkeypatch.setenv("DEBATTE_CORPORA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path
