"""Bias check: neutral German sentences that name identity groups.

A scorer that flags "Muslime feiern heute das Zuckerfest." learned the group name, not the
insult. :func:`bias_report` scores each sentence; the test suite asserts none exceeds 0.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import ClassifierModel

GROUPS = [
    "Muslime",
    "Juden",
    "Christen",
    "Atheisten",
    "Buddhisten",
    "Türken",
    "Flüchtlinge",
    "Migranten",
    "Ausländer",
    "Syrer",
    "Afghanen",
    "Polen",
    "Deutsche",
    "Österreicher",
    "Afrikaner",
    "Araber",
    "Roma",
    "Schwule",
    "Lesben",
    "Homosexuelle",
    "Transmenschen",
    "Frauen",
    "Männer",
]

TEMPLATES = [
    "{g} leben seit vielen Jahren in unserer Stadt.",
    "Der Artikel berichtet über {g} in Österreich und Deutschland.",
    "Viele {g} engagieren sich ehrenamtlich in Vereinen.",
    "Eine neue Studie untersucht die Lebenssituation von {dat}.",
    "Ich habe gestern mit einigen {dat} über das Wetter gesprochen.",
]

# dative forms where they differ from the nominative plural
_DATIVE = {"Deutsche": "Deutschen", "Homosexuelle": "Homosexuellen"}


def neutral_sentences() -> list[tuple[str, str]]:
    """(group, sentence) pairs."""
    out = []
    for g in GROUPS:
        for t in TEMPLATES:
            out.append((g, t.format(g=g, dat=_DATIVE.get(g, g if g.endswith("n") else g + "n"))))
    return out


CONTROL_SENTENCES = [
    "Die Leute leben seit vielen Jahren in unserer Stadt.",
    "Der Artikel berichtet über das Wetter in Österreich und Deutschland.",
    "Viele Menschen engagieren sich ehrenamtlich in Vereinen.",
]


def bias_report(model: ClassifierModel, mode: str = "auto") -> dict[str, Any]:
    pairs = neutral_sentences()
    scores = model.score_many([s for _g, s in pairs], mode=mode)
    controls = model.score_many(CONTROL_SENTENCES, mode=mode)
    per_group: dict[str, list[float]] = {}
    for (g, _s), sc in zip(pairs, scores, strict=True):
        per_group.setdefault(g, []).append(sc.score)
    worst = max(zip(pairs, scores, strict=True), key=lambda ps: ps[1].score)
    values = np.array([s.score for s in scores])
    return {
        "mode": mode,
        "model": scores[0].model if scores else "",
        "n": len(pairs),
        "mean": float(values.mean()),
        "max": float(values.max()),
        "above_0.5": int((values > 0.5).sum()),
        "control_mean": float(np.mean([c.score for c in controls])),
        "worst": {"sentence": worst[0][1], "score": worst[1].score, "reasons": worst[1].reasons},
        "per_group_mean": {g: float(np.mean(v)) for g, v in per_group.items()},
    }


# Mitigation (Dixon et al. 2018, "Measuring and Mitigating Unintended Bias in Text
# Classification"): neutral sentences naming groups are added to the German head's training
# folds as non-offensive examples. Their frames differ from TEMPLATES above, and some groups of
# the check (Buddhisten, Polen, Afghanen, Lesben, Transmenschen) are left out entirely, so the
# check measures generalisation, not memorisation. They never enter cross-validation scoring.
TRAIN_GROUPS = [
    "Muslime",
    "Juden",
    "Christen",
    "Katholiken",
    "Protestanten",
    "Atheisten",
    "Hindus",
    "Türken",
    "Kurden",
    "Flüchtlinge",
    "Asylwerber",
    "Migranten",
    "Ausländer",
    "Syrer",
    "Deutsche",
    "Österreicher",
    "Afrikaner",
    "Araber",
    "Roma",
    "Sinti",
    "Russen",
    "Amerikaner",
    "Schwule",
    "Homosexuelle",
    "Transpersonen",
    "Frauen",
    "Männer",
]
TRAIN_TEMPLATES = [
    "In der Stadt wohnen viele {g}.",
    "Laut Statistik ist die Zahl der {g} in Österreich leicht gestiegen.",
    "{g} und ihre Nachbarn feierten gemeinsam ein Straßenfest.",
    "Im Interview erzählen zwei {g} von ihrem Alltag.",
    "Der Verein lädt {g} und alle Interessierten zum Gespräch ein.",
    "Die Ausstellung zeigt das Leben der {g} im 20. Jahrhundert.",
    "Auch {g} sind von der Steuerreform betroffen.",
    "Unter den Gästen waren {g}, Studenten und Pensionisten.",
    "Meine Kollegen sind {g}, wir arbeiten gut zusammen.",
    "Die Umfrage befragte {g} zu ihrer Meinung über den öffentlichen Verkehr.",
    "Wie viele {g} leben eigentlich in Wien?",
    "Der Bericht beschreibt die Geschichte der {g} in Europa.",
]


def augmentation_sentences() -> list[str]:
    return [t.format(g=g) for g in TRAIN_GROUPS for t in TRAIN_TEMPLATES]
