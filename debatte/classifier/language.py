"""Tiny, dependency-free German/English detector for short comments.

It counts frequent function words of each language (plus German umlauts and eszett) and
returns ``"de"``, ``"en"`` or ``"other"`` (too little evidence). Good enough to pick the
calibration and to report the language; it is not a general language identifier.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


GERMAN = _words(
    """
    aber alle allem allen aller alles als also am an auch auf aus bei bin bis bist da damit
    dann das dass dem den denn der des dich die dies diese diesem diesen dieser dir doch
    dort du durch ein eine einem einen einer eines er es etwas euch euer für gegen gibt hab
    habe haben hat hatte hier hin ich ihr ihre im immer in ins ist ja jetzt kann kein keine
    man mehr mein meine mich mir mit muss nach nicht nichts noch nur ob oder ohne schon sehr
    sein seine sich sie sind so solche soll über um und uns unser unsere unter vom von vor
    war waren was weil welche wenn wer werden wie wieder wir wird wo wollen zu zum zur zwar
    """
)
ENGLISH = _words(
    """
    a about after all also am an and any are as at be because been but by can could did do
    does dont don't for from get got had has have he her him his how i if in into is it its
    just know like me more my no not now of on one only or our out she so some than that the
    their them then there they this to too up us was we were what when which who why will
    with would you your yours im u ur lol
    """
)
# Words spelled the same in both lists ("in", "so", ...) count for neither.
_SHARED = GERMAN & ENGLISH
GERMAN_ONLY = GERMAN - _SHARED
ENGLISH_ONLY = ENGLISH - _SHARED


def detect_language(text: str) -> str:
    """Return ``"de"``, ``"en"`` or ``"other"`` for one comment."""
    words = _WORD.findall(text.lower())
    de = sum(1 for w in words if w in GERMAN_ONLY)
    en = sum(1 for w in words if w in ENGLISH_ONLY)
    de += sum(1 for ch in text if ch in "äöüßÄÖÜ")
    if de == en == 0:
        return "other"
    if de > en:
        return "de"
    if en > de:
        return "en"
    return "other"
