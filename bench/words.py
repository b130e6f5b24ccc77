"""Deterministic test material for the word-list benchmark: entries and comment texts.

Entries are made-up words built from syllables (so they never occur in ordinary German), with
the shapes a newsroom's list has: plain words, `wort*` prefixes, `*wort*` infixes and two-word
phrases. Comments are ordinary German sentences, with a few listed words mixed in where asked.
"""

import random

SYLLABLES = [
    "ka",
    "zo",
    "ri",
    "mu",
    "pe",
    "tra",
    "vol",
    "gin",
    "dex",
    "bur",
    "sil",
    "fan",
    "tor",
    "quen",
    "lix",
    "ma",
    "no",
    "be",
    "sa",
    "ru",
    "ko",
    "fi",
    "ga",
    "le",
    "wu",
    "zan",
    "mer",
    "dol",
    "hap",
    "tin",
]

PROSE = (
    "Die Bundesregierung hat am Montag angekündigt, die Gespräche mit den Partnern fortzusetzen. "
    "Viele Leserinnen und Leser fragen sich, ob das am Ende wirklich etwas ändert. Ich halte "
    "den Vorschlag für vernünftig, auch wenn die Umsetzung schwierig wird und die Kosten hoch "
    "sind. Wer die Debatte der letzten Jahre verfolgt hat, weiß, dass solche Pläne oft am Geld "
    "scheitern. Trotzdem lohnt es sich, genauer hinzusehen: Die Kommunen brauchen Planungs"
    "sicherheit, die Bürger verlässliche Informationen und die Wirtschaft klare Regeln. Schön "
    "wäre es, wenn die Parteien ausnahmsweise sachlich miteinander reden würden. Übrigens "
    "stimmt die Zahl im dritten Absatz nicht ganz, sie wurde inzwischen korrigiert. "
)


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def entries(count: int, seed: int = 1) -> list[str]:
    """`count` distinct entries: 75 % words, 10 % `prefix*`, 5 % `*infix*`, 10 % phrases."""
    rng = random.Random(seed)
    seen: set[str] = set()
    result: list[str] = []
    while len(result) < count:
        word = made_up_word(rng)
        roll = rng.random()
        if roll < 0.10:
            entry = word + "*"
        elif roll < 0.15:
            entry = "*" + word + "*"
        elif roll < 0.25:
            entry = f"{word} {made_up_word(rng)}"
        else:
            entry = word
        if entry not in seen:
            seen.add(entry)
            result.append(entry)
    return result


def comment_text(length: int = 1500, *, seed: int = 0, listed: list[str] | None = None) -> str:
    """German prose of exactly `length` characters, with the `listed` words sprinkled in."""
    rng = random.Random(seed)
    words = (PROSE * (length // len(PROSE) + 2)).split(" ")
    offset = rng.randrange(len(PROSE.split(" ")))
    words = words[offset:]
    for word in listed or []:
        words.insert(rng.randrange(1, 120), word.replace("*", "en"))
    text = " ".join(words)[:length]
    return text.rstrip() + "." * (length - len(text.rstrip()))


def adversarial_text(entries_: list[str], length: int = 1500, seed: int = 2) -> str:
    """Words that start like listed entries but do not end like them: the trie has to walk."""
    rng = random.Random(seed)
    plain = [e for e in entries_ if "*" not in e and " " not in e]
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        word = rng.choice(plain)
        parts.append(word[: max(len(word) - 2, 3)] + "xq")
    return " ".join(parts)[:length]
