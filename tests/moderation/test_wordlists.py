import random
import string

from debatte.moderation.wordlists import compile_word_list, fold


def test_wildcards_case_and_umlauts():
    matcher = compile_word_list(["idiot*", "Schei*", "Ärger"])
    text = "Du IDIOTEN! So eine Scheiße. Aerger und Ärger. Idiotie."
    assert matcher.find(text) == ["idioten", "scheisse", "aerger", "idiotie"]


def test_whole_words_only_unless_wildcard_at_start():
    matcher = compile_word_list(["arsch", "*hure*"])
    assert matcher.find("Arschloch") == []
    assert matcher.find("Arsch!") == ["arsch"]
    assert matcher.find("Bahnhurenhaus") == ["bahnhurenhaus"]


def test_phrases_match_across_any_whitespace():
    matcher = compile_word_list(["du bist"])
    assert matcher.find("Du\n  bist") == ["du\n  bist"]
    assert matcher.find("dubist") == []


def test_empty_list_and_bare_wildcards_match_nothing():
    assert compile_word_list([]).find("alles") == []
    assert compile_word_list(["*", "  "]).find("alles") == []


def test_fold_spells_out_umlauts_and_sharp_s():
    assert fold("Größe ÄRGER Straße") == "groesse aerger strasse"


def test_ten_thousand_entries_compile_to_one_expression_that_finds_the_right_word():
    rng = random.Random(7)
    entries = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 12))) for _ in range(10_000)
    ]
    matcher = compile_word_list([*entries, "idiot*"])
    assert matcher.size == 10_001
    text = " ".join(["harmlos"] * 200) + " idiotisch"
    assert matcher.find(text) == ["idiotisch"]
    assert matcher.find(entries[1234].upper()) == [entries[1234]]
