"""Organisation names: normalisation and duplicate candidates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from werkstatt.engines.names import (
    DUPLICATE_SCORE,
    POSSIBLE_SCORE,
    NameIndex,
    _domain,
    _norm_place,
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
        ("Wild Handhabungstechnik G.m.b.H.", "wild handhabungstechnik"),
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


def _keyed(entries):
    return [
        (id, compare_key(n), pc.strip(), _norm_place(c), _domain(w)) for id, n, pc, c, w in entries
    ]


def _reference_block(keyed, max_block, key, postcode, place, domain):
    """The positions of the entries a query is compared with, found by reading every entry."""

    def having(*words):
        return [p for p, entry in enumerate(keyed) if set(words) <= set(entry[1].split())]

    def near(p):
        return (postcode and keyed[p][2] == postcode) or (place and keyed[p][3] == place)

    block = {p for p, e in enumerate(keyed) if e[1] == key or (domain and e[4] == domain)}
    known = sorted(w for w in set(key.split()) if having(w))
    ranked = sorted(known, key=lambda w: (len(having(w)), w))
    for word in ranked[:2]:
        if len(having(word)) <= max_block:
            block.update(having(word))
    if ranked and len(having(ranked[0])) > max_block:
        if postcode or place:
            block.update([p for p in having(ranked[0]) if near(p)][:max_block])
        elif len(ranked) == 1:
            block.update(having(ranked[0])[:max_block])
    for i, first in enumerate(known):
        for other in known[i + 1 :]:
            block.update(having(first, other)[:max_block])
    return block


def _reference_match(entries, max_block, name, postcode, city, website, min_score):
    """NameIndex's rules spelt out plainly: the candidates found by reading every entry, and
    each candidate scored on its own with score_keys."""
    key, domain, place = compare_key(name), _domain(website), _norm_place(city)
    postcode = postcode.strip()
    if not key:
        return []
    keyed = _keyed(entries)
    found = []
    for p in _reference_block(keyed, max_block, key, postcode, place, domain):
        id, other, other_postcode, other_city, other_domain = keyed[p]
        same_website = bool(domain) and other_domain == domain
        if other == key:
            score, reasons = 100.0, ["identical_name"]
        else:
            similarity = 0.5 * fuzz.token_set_ratio(key, other) + 0.5 * fuzz.token_sort_ratio(
                key, other
            )
            if similarity < min_score and not same_website:
                continue
            score, reasons = score_keys(key, other), ["similar_name"]
        if postcode and other_postcode and postcode == other_postcode:
            reasons.append("same_postcode")
        elif place and other_city:
            if place == other_city:
                reasons.append("same_city")
            else:
                score -= 20.0
                reasons.append("different_city")
        if same_website:
            score = max(score, 95.0)
            reasons.append("same_website")
        elif domain and other_domain:
            score -= 20.0
            reasons.append("different_website")
        if score >= min_score:
            found.append((id, round(score, 1), tuple(reasons)))
    return sorted(found, key=lambda m: (-m[1], m[0]))


# Few words, so that with a small max_block the rules for common words are used too.
WORDS = [
    "Müller",
    "Mueller",
    "Möller",
    "Metallbau",
    "Metall",
    "Stahlbau",
    "Werk",
    "1",
    "12",
    "Dreh",
    "Teile",
    "GmbH",
    "G.m.b.H.",
    "KG",
    "Söhne",
    "Schmidt",
    "Schmitt",
]
PLACES = [("09111", "Chemnitz"), ("09112", "Chemnitz"), ("01067", "Dresden"), ("", "Chemnitz")]
PLACES += [("", ""), ("09111", "")]
name_strategy = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
entry_strategy = st.tuples(
    name_strategy, st.sampled_from(PLACES), st.sampled_from(["", "www.mueller.de", "a.de"])
)


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(entry_strategy, min_size=1, max_size=40),
    queries=st.lists(entry_strategy, min_size=1, max_size=5),
    min_score=st.sampled_from([0.0, POSSIBLE_SCORE, DUPLICATE_SCORE]),
    max_block=st.sampled_from([2, 5, 50]),
)
def test_the_fast_index_finds_what_the_plain_rules_find(entries, queries, min_score, max_block):
    index = NameIndex(max_block=max_block)
    plain = []
    for id, (name, (postcode, city), website) in enumerate(entries, start=10):
        index.add(id, name, postcode, city, website)
        plain.append((id, name, postcode, city, website))
    for name, (postcode, city), website in queries:
        key = compare_key(name)
        if key:
            block = _reference_block(
                _keyed(plain), max_block, key, postcode, _norm_place(city), _domain(website)
            )
            assert set(index.candidates(key, postcode, city, website).tolist()) == block
        got = index.match(name, postcode, city, website, min_score=min_score, limit=100)
        assert [tuple(m) for m in got] == _reference_match(
            plain, max_block, name, postcode, city, website, min_score
        )


def test_firms_that_share_a_trade_but_not_the_owner_are_not_candidates():
    # Both score 85 on the letters (the long shared word); they are two firms.
    assert (
        score_keys(compare_key("Stephan Blechbearbeitung"), compare_key("Hähnel Blechbearbeitung"))
        < POSSIBLE_SCORE
    )
    index = NameIndex()
    index.add(1, "Hähnel Blechbearbeitung e.K.", "09131", "Chemnitz")
    index.add(2, "Sächsische Handhabungstechnik Stein GmbH", "01324", "Dresden")
    index.add(3, "Leipziger Industriesoftware e.K.", "04289", "Leipzig")
    assert index.match("Stephan Blechbearbeitung GmbH", "09126", "Chemnitz") == []
    assert index.match("Sächsische Handhabungstechnik Vetter e.K.", "01129", "Dresden") == []
    # A part of the other's name, a typo and an abbreviation stay candidates.
    assert index.match("Leipziger Industriesoftware Franke", "04347", "Leipzig")[0].id == 3
    assert index.match("Hänel Blechbearbeitung", "09131", "Chemnitz")[0].id == 1
    assert index.match("Sächs. Handhabungstechnik Stein", "01324", "Dresden")[0].id == 2


def test_the_same_words_in_another_town_are_at_most_a_possible_duplicate():
    index = NameIndex()
    index.add(1, "Metallbau Müller GmbH", "09111", "Chemnitz")
    elsewhere = index.match("Müller Metallbau GmbH", "02826", "Görlitz")[0]
    assert elsewhere.id == 1
    assert POSSIBLE_SCORE <= elsewhere.score < DUPLICATE_SCORE  # shown, not merged by default
    assert "different_city" in elsewhere.reasons
    here = index.match("Müller Metallbau GmbH", "09111", "Chemnitz")[0]
    assert here.score >= DUPLICATE_SCORE
    # The same website says it is one firm (a branch, or a move) wherever it is.
    index.add(2, "Müller Metallbau GmbH", "01067", "Dresden", website="https://mueller-metall.de")
    found = index.match("Müller Metallbau", "02826", "Görlitz", "www.mueller-metall.de/kontakt")
    assert (found[0].id, found[0].score) == (2, 95.0)


def test_a_common_word_alone_does_not_hide_duplicates_beyond_the_first_entries():
    index = NameIndex(max_block=50)
    for i in range(300):  # 300 firms with "sachsische", 300 with "anlagenbau"
        index.add(i, f"Sächsische Firma{i}", "04109", "Leipzig")
        index.add(1000 + i, f"Anlagenbau Firma{i}", "04109", "Leipzig")
    index.add(9999, "Sächsische Anlagenbau GmbH", "09111", "Chemnitz")
    index.add(9998, "Schmidt Anlagenbau GmbH", "01067", "Dresden")
    # Both words are common: found through the entries that have both.
    assert index.match("Sächsische Anlagenbau Dienst", "", "")[0].id == 9999
    # The typo's own word is in no entry: found through the common word and the place.
    assert index.match("Schmitt Anlagenbau", "01067", "Dresden")[0].id == 9998
