"""Reading grade, counts and jargon hits (projects.readability), and the glossary seed file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects import readability
from projects.readability import (
    GLOSSARY_SEED_PATH,
    GlossaryEntry,
    JargonHit,
    ReadabilityReport,
    find_jargon,
    is_above_target,
    load_glossary_seed,
    measure,
)

REPO_ROOT = Path(__file__).resolve().parent.parent

# 20 one-syllable words in one sentence: 0.39 * 20 + 11.8 * 1 - 15.59 = 4.01.
ONE_SYLLABLE_SENTENCE = (
    "The big dog and the small cat ran to the park and sat on the grass by the oak tree."
)
# 10 words, 32 syllables by the CMU dictionary (re-search-ers, e-val-u-at-ed, el-der-ly,
# par-tic-i-pants, hy-per-ten-sion, car-di-o-vas-cu-lar, dis-ease, yes-ter-day):
# 0.39 * 10 + 11.8 * 3.2 - 15.59 = 26.07.
DENSE_SENTENCE = (
    "Researchers evaluated elderly participants with hypertension and cardiovascular "
    "disease yesterday."
)
SURVIVAL_GLOSSARY = {
    "survival": "staying alive",
    "overall survival": "how long people live",
}


# Grade


def test_grade_is_the_flesch_kincaid_grade_by_hand():
    assert measure(ONE_SYLLABLE_SENTENCE, {}).grade == 4.0
    assert measure(DENSE_SENTENCE, {}).grade == 26.1


def test_words_and_sentences_are_counted():
    report = measure(ONE_SYLLABLE_SENTENCE + " " + DENSE_SENTENCE, {})
    assert (report.word_count, report.sentence_count) == (30, 2)


def test_text_shorter_than_ten_words_is_too_short_to_score():
    report = measure(
        "Researchers evaluated elderly participants with hypertension and diabetes.", {}
    )
    assert report.word_count == 8
    assert report.grade is None
    assert not report.is_scored
    assert report.summary(8) == "Too short to score · 8 words · 0 jargon words"


def test_ten_words_are_enough_to_score():
    assert measure(DENSE_SENTENCE, {}).is_scored


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_has_no_grade_and_no_counts(text):
    report = measure(text, {"cohort": "group"})
    assert report == ReadabilityReport(grade=None, word_count=0, sentence_count=0, jargon=[])
    assert report.summary(8) == "No text to score"


def test_a_line_break_ends_a_sentence():
    bullets = (
        "You may be able to join if you\n"
        "are 18 years old or older\n"
        "have had the illness for a year\n"
        "live near one of the clinics"
    )
    with_stops = (
        "You may be able to join if you. are 18 years old or older. "
        "have had the illness for a year. live near one of the clinics."
    )
    one_sentence = bullets.replace("\n", " ")
    assert measure(bullets, {}) == measure(with_stops, {})
    assert measure(bullets, {}).sentence_count == 4
    assert measure(bullets, {}).grade < measure(one_sentence, {}).grade


def test_a_grade_below_zero_is_reported_as_zero():
    # 12 one-syllable words in 4 sentences: 0.39 * 3 + 11.8 - 15.59 = -2.62.
    assert measure("The cat sat. The dog ran. The sun set. The bird sang.", {}).grade == 0.0


def test_scoring_needs_no_network():
    """textstat 0.7.9+ downloads its dictionary on first use; the pinned one must not."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import sys\n"
        "from projects.readability import measure\n"
        f"print(measure({DENSE_SENTENCE!r}, {{}}).grade)\n"
        "assert 'nltk' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "26.1"


# Target and summary


def test_above_target_means_a_grade_higher_than_the_target():
    def report(grade):
        return ReadabilityReport(grade=grade, word_count=50, sentence_count=3)

    assert is_above_target(report(8.1), 8)
    assert not is_above_target(report(8.0), 8)
    assert not is_above_target(report(5.5), 8)


def test_unscored_text_is_not_above_target():
    assert not is_above_target(measure("Too short.", {}), 8)


def test_summary_names_grade_target_words_and_jargon():
    hits = [
        JargonHit("cohort", "group", 2),
        JargonHit("placebo", "dummy", 1),
        JargonHit("efficacy", "how well", 1),
    ]
    report = ReadabilityReport(grade=11.2, word_count=84, sentence_count=5, jargon=hits)
    assert report.summary(8) == "Grade 11.2 (target 8 or lower) · 84 words · 3 jargon words"
    assert report.summary(8.5).startswith("Grade 11.2 (target 8.5 or lower)")


def test_summary_uses_the_singular_for_one():
    report = ReadabilityReport(
        grade=6.0, word_count=1, sentence_count=1, jargon=[JargonHit("cohort", "group", 1)]
    )
    assert report.summary(8) == "Grade 6.0 (target 8 or lower) · 1 word · 1 jargon word"


# Jargon


def terms_found(text, glossary):
    return {hit.term: hit.count for hit in find_jargon(text, glossary)}


def test_terms_match_whole_words_in_any_case():
    glossary = {"cohort": "group of people in a study"}
    assert terms_found("Cohort A and the COHORT B; a cohort.", glossary) == {"cohort": 3}
    assert terms_found("A subcohort and cohortal data.", glossary) == {}


def test_plurals_match_the_singular_term():
    glossary = {
        "biomarker": "sign",
        "comorbidity": "other illness",
        "prognosis": "outlook",
        "adverse event": "harm",
        "lesion": "damaged area",
    }
    text = "Biomarkers, comorbidities, prognoses, adverse events and lesions."
    assert terms_found(text, glossary) == dict.fromkeys(glossary, 1)


def test_british_and_american_spellings_of_ize_words_match():
    text = "Randomized or randomised? Randomization, randomisation, randomizing."
    assert terms_found(text, {"randomized": "assigned by chance"}) == {"randomized": 5}
    assert terms_found(text, {"randomised": "assigned by chance"}) == {"randomised": 5}


def test_verb_forms_of_terms_ending_in_e_match():
    text = "Cells infiltrate, infiltrated and kept infiltrating; it infiltrates."
    assert terms_found(text, {"infiltrate": "move into"}) == {"infiltrate": 4}


def test_multi_word_terms_match_across_spaces_hyphens_and_line_breaks():
    glossary = {"double-blind": "nobody knows", "clinical endpoint": "result"}
    text = (
        "A double blind study, a double-blind one, a clinical\nendpoint and clinical  endpoints."
    )
    assert terms_found(text, glossary) == {"double-blind": 2, "clinical endpoint": 2}


def test_the_longest_term_wins_where_terms_overlap():
    text = "Overall survival rose. Survival at one year rose too. Overall survival is the aim."
    assert terms_found(text, SURVIVAL_GLOSSARY) == {"overall survival": 2, "survival": 1}


def test_short_terms_do_not_match_longer_words():
    glossary = {"phase i": "early study", "phase 1": "early study", "phase 1/2": "combined"}
    text = "This phase is new. Phase 12 is not a phase. A phase 1/2 study follows Phase I."
    assert terms_found(text, glossary) == {"phase 1/2": 1, "phase i": 1}


def test_each_term_is_reported_once_in_order_of_first_appearance_with_its_plain_words():
    glossary = {"placebo": "dummy treatment", "cohort": "group", "efficacy": "how well it works"}
    text = "The cohort got a placebo. Efficacy was low; each cohort had two placebos."
    assert find_jargon(text, glossary) == [
        JargonHit("cohort", "group", 2),
        JargonHit("placebo", "dummy treatment", 2),
        JargonHit("efficacy", "how well it works", 1),
    ]


def test_a_mapping_and_glossary_entries_give_the_same_hits():
    entries = [GlossaryEntry(term, plain) for term, plain in SURVIVAL_GLOSSARY.items()]
    text = "Overall survival and survival."
    assert find_jargon(text, entries) == find_jargon(text, SURVIVAL_GLOSSARY)
    assert measure(text, entries) == measure(text, SURVIVAL_GLOSSARY)


def test_glossary_terms_are_read_case_insensitively():
    assert terms_found("A cohort.", {"  Cohort ": "group"}) == {"cohort": 1}


def test_a_glossary_is_compiled_once_however_it_is_passed():
    glossary = {"zygote": "fertilized egg", "gamete": "egg or sperm cell"}
    reordered = [GlossaryEntry(term, plain) for term, plain in reversed(glossary.items())]
    before = readability._compile_glossary.cache_info()
    for _ in range(7):
        find_jargon("A zygote.", glossary)
        find_jargon("A gamete.", reordered)
    after = readability._compile_glossary.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 13


# The glossary seed


@pytest.fixture(scope="module")
def seed_terms():
    return json.loads(GLOSSARY_SEED_PATH.read_text(encoding="utf-8"))["terms"]


def test_glossary_seed_has_at_least_100_unique_lower_case_terms(seed_terms):
    terms = [item["term"] for item in seed_terms]
    assert len(set(terms)) == len(terms) >= 100
    assert all(term == term.strip().lower() and term for term in terms)


def test_glossary_seed_plain_words_are_given_and_differ_from_the_term(seed_terms):
    for item in seed_terms:
        assert item["plain"].strip(), item
        assert item["plain"].strip().lower() != item["term"], item


def test_glossary_seed_has_the_issue_examples(seed_terms):
    terms = {item["term"] for item in seed_terms}
    examples = {
        "antitumor",
        "infiltrate",
        "cohort",
        "randomized",
        "placebo",
        "efficacy",
        "biomarker",
    }
    assert examples <= terms


def test_every_seed_term_is_found_as_itself():
    entries = load_glossary_seed()
    for entry in entries:
        hits = find_jargon(f"We wrote {entry.term} here.", entries)
        assert [hit.term for hit in hits] == [entry.term]


def test_loading_a_glossary_names_the_bad_entry(tmp_path):
    path = tmp_path / "glossary.json"
    terms = [{"term": "cohort", "plain": "group"}, {"term": "Placebo", "plain": "dummy"}]
    path.write_text(json.dumps({"about": "test", "terms": terms}), encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"glossary.json, entry 2 \('Placebo'\): the term must be"
    ):
        load_glossary_seed(path)


@pytest.mark.parametrize(
    "terms, problem",
    [
        (
            [{"term": "cohort", "plain": "group"}, {"term": "cohort", "plain": "set"}],
            "appears twice",
        ),
        ([{"term": "cohort", "plain": " "}], "plain words must be given"),
        ([{"term": "cohort", "plain": "Cohort"}], "differ from the term"),
    ],
)
def test_loading_a_glossary_refuses_duplicates_and_missing_plain_words(tmp_path, terms, problem):
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps({"about": "test", "terms": terms}), encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_glossary_seed(path)
