"""Organisation names: normalisation and duplicate candidates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkstatt.engines.names import (
    DUPLICATE_SCORE,
    POSSIBLE_SCORE,
    NameIndex,
    compare_key,
    match_candidates,
    name_key,
    score_keys,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Müller GmbH", "mueller"),
        ("Mueller GmbH & Co. KG", "mueller"),
        ("MÜLLER GMBH & CO.KG", "mueller"),
        ("Bauer UG (haftungsbeschränkt)", "bauer"),
        ("Schröder & Söhne OHG", "schroeder soehne"),
        ("Schröder und Söhne oHG", "schroeder soehne"),
        ("Metallbau Krause e.K., Inh. Peter Krause", "metallbau krause"),
        ("Förderverein Industrie e.V.", "foerderverein industrie"),
        ("Straßburger Maschinenbau Aktiengesellschaft", "strassburger maschinenbau"),
        ("Gesellschaft für Oberflächentechnik mbH", "gesellschaft fuer oberflaechentechnik"),
        ("Sachsen Guss GmbH", "sachsen guss"),  # region words are kept on purpose
        ("GmbH", "gmbh"),  # nothing but a legal form: keep it rather than return ""
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


def test_umlauts_and_their_spellings_compare_equal():
    assert compare_key("Müller GmbH") == compare_key("Mueller KG") == compare_key("Muller AG")
    assert (
        compare_key("Bäcker Söhne") == compare_key("Baecker Soehne") == compare_key("Backer Sohne")
    )


@pytest.fixture
def index() -> NameIndex:
    index = NameIndex()
    index.add(1, "Mueller GmbH & Co. KG", "09111", "Chemnitz")
    index.add(2, "Müller Elektrotechnik GmbH", "09111", "Chemnitz")
    index.add(3, "Müller Metallbau GmbH", "01067", "Dresden")
    index.add(4, "Schmidt Feinmechanik GmbH", "01067", "Dresden", website="www.schmidt-fm.de")
    return index


def test_mueller_gmbh_is_a_likely_duplicate_of_mueller_gmbh_co_kg(index):
    best = index.match("Müller GmbH", "09111", "Chemnitz")[0]
    assert best.id == 1
    assert best.score >= DUPLICATE_SCORE
    assert "identical_name" in best.reasons
    assert "same_postcode" in best.reasons


def test_the_same_name_in_another_city_scores_lower(index):
    here = index.match("Müller GmbH", "", "Chemnitz")[0]
    elsewhere = index.match("Müller GmbH", "04109", "Leipzig")[0]
    assert here.id == elsewhere.id == 1
    assert elsewhere.score < here.score
    assert elsewhere.score < DUPLICATE_SCORE
    assert "different_city" in elsewhere.reasons


def test_different_trades_of_the_same_family_are_not_duplicates(index):
    matches = index.match("Müller Metallbau GmbH", "01067", "Dresden", min_score=0)
    by_id = {m.id: m.score for m in matches}
    assert by_id[3] >= DUPLICATE_SCORE
    assert by_id[2] < POSSIBLE_SCORE  # Müller Elektrotechnik
    assert score_keys(compare_key("Müller Metallbau"), compare_key("Müller Elektrotechnik")) < 70


def test_a_typo_is_found_and_a_shared_website_is_strong_evidence(index):
    assert index.match("Schmitt Feinmechanik", "01067", "Dresden")[0].id == 4
    match = index.match("SFM Präzision", "", "", website="https://schmidt-fm.de/kontakt")[0]
    assert match.id == 4
    assert "same_website" in match.reasons


def test_names_that_differ_in_a_number_are_different():
    assert score_keys("metallbau werk 1", "metallbau werk 2") < POSSIBLE_SCORE
    assert score_keys("firma nummer 1", "firma nummer 11") < POSSIBLE_SCORE
    assert score_keys("firma 2000", "firma 2000") == 100


def test_unrelated_names_find_nothing(index):
    assert index.match("Zeiss Optik GmbH", "07745", "Jena") == []
    assert index.match("", "", "") == []


def test_match_candidates_accepts_plain_tuples():
    existing = [(7, "Großmann Kunststofftechnik GmbH & Co. KG", "08056", "Zwickau")]
    matches = match_candidates("Grossmann Kunststofftechnik GmbH", "08056", "Zwickau", existing)
    assert [(m.id, m.score) for m in matches] == [(7, 100.0)]


def test_blocking_keeps_large_indexes_fast():
    index = NameIndex()
    for i in range(20_000):
        index.add(i, f"Metallbau Firma{i} GmbH", f"0{1000 + i % 8000}", "Dresden")
    index.add(99_999, "Metallbau Krause GmbH", "01067", "Dresden")
    import time

    start = time.perf_counter()
    for _ in range(200):
        matches = index.match("Metallbau Krause e.K.", "01067", "Dresden")
    elapsed = time.perf_counter() - start
    assert matches[0].id == 99_999
    print(f"\n200 lookups in a 20,000-name index: {elapsed * 1000:.0f} ms")


@given(st.text(max_size=40))
def test_keys_are_idempotent_and_ascii(name):
    key = name_key(name)
    assert name_key(key) == key or not key
    assert key == key.lower()
    assert all(ch.isalnum() and ch.isascii() or ch == " " for ch in key)


def _reference_match(index: NameIndex, name, postcode, city, website, min_score):
    """NameIndex.match spelt out pair by pair with score_keys (the definition of the score)."""
    from werkstatt.engines.names import _domain, _norm_place, compare_key

    key, domain, place = compare_key(name), _domain(website), _norm_place(city)
    found = []
    for id in index._block(key, domain):
        entry = index._entries[id]
        score = 100.0 if entry.key == key else score_keys(key, entry.key)
        reasons = ["identical_name" if entry.key == key else "similar_name"]
        if postcode and entry.postcode and postcode == entry.postcode:
            reasons.append("same_postcode")
        elif place and entry.city:
            if place == entry.city:
                reasons.append("same_city")
            else:
                score -= 20.0
                reasons.append("different_city")
        if domain and entry.domain == domain:
            score = max(score, 95.0)
            reasons.append("same_website")
        if score >= min_score:
            found.append((id, round(score, 1), tuple(reasons)))
    return sorted(found, key=lambda m: (-m[1], m[0]))


WORDS = [
    "Müller",
    "Mueller",
    "Metallbau",
    "Werk",
    "1",
    "12",
    "Dreh",
    "Teile",
    "GmbH",
    "KG",
    "Söhne",
]
PLACES = [("09111", "Chemnitz"), ("01067", "Dresden"), ("", "Chemnitz"), ("", "")]
name_strategy = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
entry_strategy = st.tuples(
    name_strategy, st.sampled_from(PLACES), st.sampled_from(["", "www.mueller.de", "a.de"])
)


@given(
    entries=st.lists(entry_strategy, min_size=1, max_size=25),
    query=entry_strategy,
    min_score=st.sampled_from([POSSIBLE_SCORE, 85.0]),
)
def test_batched_scoring_finds_what_pairwise_scoring_finds(entries, query, min_score):
    index = NameIndex(max_block=10)
    for id, (name, (postcode, city), website) in enumerate(entries):
        index.add(id, name, postcode, city, website)
    name, (postcode, city), website = query
    got = index.match(name, postcode, city, website, min_score=min_score, limit=100)
    assert [tuple(m) for m in got] == _reference_match(
        index, name, postcode, city, website, min_score
    )
