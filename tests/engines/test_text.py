"""German text analysis for the search index (engines/text.py)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from werkstatt.engines.text import fold, index_terms, query_terms, stem


def terms_of(text: str) -> set[str]:
    return set(index_terms([(text, 1.0)]))


def test_fold_umlauts_and_sharp_s():
    assert fold("Müller Straße ÄÖÜ") == "mueller strasse aeoeue"


def test_umlaut_spellings_meet():
    assert query_terms("Müller") == query_terms("Mueller")
    assert query_terms("Schweiß") == query_terms("schweiss")
    assert query_terms("Fräsen") == query_terms("fraesen")


def test_stemming_meets_verb_and_trade_forms():
    assert stem("fraesen") == stem("fraest") == stem("fraeserei")
    assert stem("schweissen") == stem("schweisserei") == stem("schweisst")
    assert stem("drehen") == stem("dreht") == stem("dreherei")
    assert stem("bearbeitung") == stem("bearbeitungen")


def test_stop_words_and_legal_forms_are_dropped():
    assert query_terms("Die Müller GmbH und Co. KG in Chemnitz") == ["mull", "chemnitz"]


def test_codes_stay_together_and_their_parts_are_indexed():
    assert query_terms("ISO-9001") == ["iso", "9001"]
    assert query_terms("3D-Druck CO2") == ["3d", "druck", "co2"]
    indexed = terms_of("zertifiziert nach ISO 9001 und IATF 16949")
    assert {"iso", "9001", "iso9001", "iatf", "16949", "iatf16949"} <= indexed
    assert {"3d", "druck", "3ddruck"} <= terms_of("3D-Druck")


def test_compounds_are_split_on_the_index_side():
    indexed = terms_of("Edelstahlverarbeitung")
    assert query_terms("Edelstahl")[0] in indexed
    assert query_terms("Stahl")[0] in indexed
    assert query_terms("Verarbeitung")[0] in indexed
    assert query_terms("Blech")[0] in terms_of("Blechbearbeitung")


def test_field_weights_name_above_description():
    weights = index_terms([("Laser GmbH", 3.0), ("Wir schneiden mit dem Laser", 1.0)])
    only_description = index_terms([("Metall GmbH", 3.0), ("Laser Laser Laser Laser", 1.0)])
    assert weights["las"] > only_description["las"]


def test_repeats_saturate():
    once = index_terms([("Laser", 1.0)])["las"]
    four = index_terms([("Laser Laser Laser Laser", 1.0)])["las"]
    assert once < four < 2.2 * once


def test_parts_of_compounds_weigh_less_than_whole_words():
    weights = index_terms([("Edelstahlverarbeitung", 1.0)])
    assert weights[query_terms("Stahl")[0]] < weights[query_terms("Edelstahlverarbeitung")[0]]


words = st.sampled_from(
    [
        "Blechbearbeitung",
        "Fräsen",
        "fräst",
        "Schweißtechnik",
        "Müller",
        "Straße",
        "ISO-9001",
        "3D-Druck",
        "und",
        "der",
        "Edelstahlverarbeitung",
        "Leiterplattenbestückung",
        "Härterei",
        "Chemnitz",
        "Zwickau",
        "CO2",
        "e.V.",
        "GmbH",
        "Dreh-/Frästeile",
        "Laserschneiden",
        "Pulverbeschichtung",
    ]
)
texts = st.one_of(
    st.text(max_size=60),
    st.lists(words, max_size=8).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def _full_fold(text: str) -> str:
    """fold without its shortcuts for plain ASCII: every step, every time."""
    import unicodedata

    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
    text = unicodedata.normalize("NFC", text).lower().translate(table)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower().translate(table)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="abcXYZ 09-.äöüßÄÖÜẞéÉçñℕ\u0301\u0308", max_size=30),
    )
)
def test_folding_shortcuts_give_the_same_as_the_full_normalisation(text):
    assert fold(text) == _full_fold(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_query_terms_are_index_terms_of_the_same_text(text):
    assert set(query_terms(text)) <= terms_of(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_terms_are_folded_and_short_enough(text):
    for term in terms_of(text):
        assert term == fold(term)
        assert 0 < len(term) <= 80
        assert " " not in term


@settings(max_examples=200, deadline=None)
@given(texts, st.floats(min_value=0.1, max_value=5))
def test_weights_scale_with_the_field_weight(text, factor):
    one = index_terms([(text, 1.0)])
    scaled = index_terms([(text, factor)])
    assert set(one) == set(scaled)
    for term, weight in one.items():
        assert abs(scaled[term] - weight * factor) < 1e-5 * max(1.0, factor)
