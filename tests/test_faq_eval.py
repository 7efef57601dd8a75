"""Matching accuracy per question set: answered right, top-1 counting "did you mean", off-topic.

`faq_practice.yaml` is the set the matcher and the blend were tuned on; `faq_eval.yaml` and
`faq_eval_long.yaml` (long, rambling, non-native questions, written before tuning) are held out.
Before this matcher (lexical only, answer 65 / suggest 60, a choice needing two candidates):
practice 86.4% / 87.6% / 95.4%, eval 93.5% / 93.5% / 94.7%, eval_long 73.4% / 73.4% / 97.5%.
With the meaning signal, on the FAQ as merged with the content fixes, before the practice-set
phrasings were added: practice 88.8 / 90.5 / 96.9, eval 94.5 / 94.9 / 93.0, long 79.7 / 83.5 /
92.5; after: practice 95.5 / 96.7 / 96.9, eval 94.9 / 95.4 / 94.7, long 83.5 / 87.3 / 92.5.
`faq_eval_independent.yaml` was written by a tester who never saw the FAQ nor the other sets
(a covered question lists every entry that answers it; its `foreign` questions are checked
below); it was added after tuning ended and measures only:
82.0 / 82.0 / 94.7.
The did-you-mean band then widened from 58-60 to 48-60, scores under 58 needing three topic
words shared with the leading entry (tuned on faq_practice.yaml alone): practice 95.5 / 97.5 /
96.9, eval 94.9 / 95.9 / 94.7, long 83.5 / 91.1 / 92.5, independent 82.0 / 85.2 / 94.7.
103 long, context-heavy, non-native practice questions (and 25 off-topic ones) were then added
to faq_practice.yaml: on it the matcher scored 90.4 / 93.6 / 96.7. After 21 short phrasings
drawn from its misses (none kept that made a held-out set worse): practice 95.7 / 98.0 / 96.7,
eval 94.9 / 95.9 / 94.7, long 86.1 / 92.4 / 92.5, independent 82.8 / 86.9 / 94.7.
Then 15 long covered and 25 long off-topic practice questions were written (2026-12-02, before
measuring them): practice 94.2 / 97.8 / 96.5. Three changes followed, chosen on faq_practice.yaml:
a long message (8 topic words or more) is answered from 10 points lower; a question naming another
programme (Interreg, LIFE, URBACT...) and not ours falls back saying so; a common English word is
no longer "corrected" into a different FAQ word ("heat pump" was "hear lump"). After: practice
95.8 / 97.5 / 98.3, eval 94.9 / 95.4 / 96.5, long 88.6 / 92.4 / 92.5, independent 86.1 / 86.9 /
100.0. Of these, the other-programme check was suggested by two independent off-topic misses
(Interreg, the European Urban Initiative): that set's off-topic figure is no longer blind.
On 2026-12-02, 25 covered and 15 off-topic practice questions were written before a batch of
phrasings: practice 95.8 / 97.7 / 96.9 (three of the 15 off-topic ones answered), hence the
practice off-topic floor of 96%. 132 phrasings followed, each kept only if no practice figure
fell; a file's batch that took a held-out set under its floor was dropped (applying and
cohorts were written again once and kept; eligibility failed three times and got none). After:
practice 96.4 / 98.2 / 96.9, eval 94.9 / 95.4 / 96.5, long 91.1 / 92.4 / 92.5, independent
86.9 / 87.7 / 100.0.
`faq_eval_blind.yaml` was written on 2026-12-02 by a tester who saw only the facts file and the
entries' ids and titles (no phrasing, no answer, no other set), and is measured, never tuned on:
83.3 / 90.0 / 84.4 with the matcher as it was before that day, 89.2 / 90.0 / 86.7 after the three
changes above, 91.7 / 92.5 / 84.4 after the phrasings (one more off-topic question answered).
The right entry ranks first on 95.0% of its covered questions and among the first three on all.
Last, 15 very short covered and 10 very short off-topic practice questions (two topic words)
were written before measuring them: practice 96.5 / 98.2 / 96.4 ("tax deadline" is answered).
`faq_eval_blind2.yaml` was written on 2026-12-02, after all of the above, the same way as
faq_eval_blind.yaml by another tester (facts file and entry titles only): 88.9 / 91.1 / 87.5, the
right entry first on 94.4% and among the first three on 98.9%; 8 of 8 foreign questions detected.
Measure only: never tune on it, nor read its misses to write phrasings.
Then 70 covered and 40 off-topic practice questions, written blind the same way by a third
tester, were measured before any change (80.0 / 81.4 / 85.0: most long ones fell back) and
joined faq_practice.yaml. Two changes followed, chosen on it: a question of two topic words, one
of them unknown ("tax deadline"), is asked back, never answered; a long message that is not
answered whole is answered from its asking sentences alone ("?", a leading question word, or
one inside: "we don't know which is the deadline") when they score 3 points above the answer
score there. After: practice 96.2 / 97.2 / 93.9 (the new 110 questions: 90.0 / 90.0 / 85.0),
eval 95.4 / 95.9 / 96.5, long 91.1 / 92.4 / 92.5, independent 87.7 / 87.7 / 100.0, blind 94.2 /
94.2 / 84.4, blind2 91.1 / 92.2 / 87.5.
Last, a request for work ("can you write our climate plan", "could you translate this") that does
not name our call falls back saying the bot cannot do that (7 practice off-topic questions ask
so; no covered question of any set does): practice 96.6 / 97.7 / 95.6, blind 94.2 / 94.2 / 86.7,
the other sets unchanged.
After a fresh-clone tester's finding, a sentence of context whose question sits in a later clause
("..., but we don't know which is the deadline") gives only that clause to the asking-sentence
check, and orders at a sentence's start ("translate this for us") are requests for work too:
practice 97.2 / 98.1 / 95.6, blind2 92.2 / 93.3 / 87.5, the other sets unchanged.
Issue 17 (2026-12-06) measures four figures per set (tests/bench/faq_figures.py): answered right,
right within one tap (answered, or the right entry among the "did you mean" buttons), wrong
answers among covered questions, off-topic answered (and off-topic falling back). At b595fb3:
practice 97.2 / 98.1 / 1.1 / 2.8 (95.6), eval 95.4 / 95.9 / 3.7 / 3.5 (96.5), long 91.1 / 92.4 /
2.5 / 7.5 (92.5), independent 87.7 / 87.7 / 5.7 / 0.0 (100), blind 94.2 / 94.2 / 3.3 / 8.9
(86.7), blind2 92.2 / 93.3 / 3.3 / 10.0 (87.5). `faq_practice3.yaml` (276 covered, 90
off-topic, written blind from the facts file and the entry titles) measured before any tuning
on it: 75.4 / 80.8 / 4.0 / 10.0 (88.9) at b595fb3, 73.9 / 80.8 / 1.8 / 5.6 (94.4) with the
learned decision trained on faq_practice.yaml alone; then it joined the practice sets. The
changes: spelling repair against the FAQ's words, foreign words read in English, the asking part
of long messages found without "?", a learned decision instead of the score thresholds
(faq/decision.py, trained by `python -m faq.train`, cut-offs chosen on 5-fold grouped CV of both
practice sets: 89.0 / 95.9 / 0.5 / 3.6 (93.7)), and 30 phrasings from practice3's misses.
Merged with the country answers (faq/country_question.py: a country answer counts for every
eligibility entry) and the wider faq/scope.py, the model was retrained (questions those rules
take left its training set; CV 92.1 / 95.4 / 0.8 / 3.5 (94.0), cut-offs 0.77 / 0.70): practice
95.3 / 97.9 / 0.6 / 2.8 (94.4), practice3 94.2 / 95.3 / 0.7 / 2.2 (97.8), eval 95.9 / 96.8 /
1.4 / 3.5 (94.7), long 91.1 / 93.7 / 2.5 / 2.5 (97.5), independent 86.9 / 90.2 / 4.1 / 0.0
(100), blind 91.7 / 96.7 / 1.7 / 8.9 (86.7), blind2 91.1 / 94.4 / 2.2 / 10.0 (87.5). FLOORS and
CEILINGS hold each set's figures after, give or take a point.
Then `faq_practice4.yaml` (274 covered, 80 off-topic) was written blind, after the work, by a
writer who saw only the facts file and the entry titles (shares: long pasted emails 20%, one to
three words 12%, key-word typos 15%, a few foreign words 6%, indirect wording 20%, countries 10%;
63 of the off-topic questions near misses) and measured once: 81.0 / 82.8 / 1.5 / 1.2 (95.0),
the right entry first on 92.3% and among the first three on 94.9%; at b595fb3 the same set gave
68.6 / 71.9 / 2.6 / 7.5 (86.2). Most of what it misses falls back (40 of 52 misses). It then
joined the practice sets (not yet the model's training sets). Four of its long emails named a
programme the city had taken part in ("we took part in a LIFE project") and were routed out of
scope: a programme named as the city's past, in a sentence that does not ask, no longer is
(faq/scope.py): 82.1 / 83.9 / 1.5 / 1.2 (95.0), the other sets unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from faq.loader import load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS, match_question
from faq.model import KnowledgeBase
from tests.bench.faq_figures import measure

ROOT = Path(__file__).resolve().parent
SHIPPED = ROOT.parent / "faq" / "data"
# The goals (issue 17): answered right, right within one tap (answered, or the right
# entry among the "did you mean" buttons), off-topic falling back; wrong answers and off-topic
# answered at most these shares.
ANSWERED_RIGHT, ONE_TAP, OFF_TOPIC_FALLBACK = 0.92, 0.97, 0.95
MAX_WRONG, MAX_OFF_TOPIC_ANSWERED = 0.02, 0.02
TARGETS = (ANSWERED_RIGHT, ONE_TAP, OFF_TOPIC_FALLBACK)
# Every set asserts floors (and ceilings) a little beyond its measured figures to catch
# regressions; the report prints the gap to the goals.
FLOORS = {
    "faq_practice4.yaml": (0.80, 0.82, 0.94),
    "faq_practice.yaml": (0.94, 0.97, 0.93),
    "faq_practice3.yaml": (0.93, 0.94, 0.96),
    "faq_eval.yaml": (0.95, 0.96, 0.94),
    "faq_eval_long.yaml": (0.90, 0.92, 0.97),
    "faq_eval_independent.yaml": (0.86, 0.89, 0.97),
    "faq_eval_blind.yaml": (0.90, 0.95, 0.86),
    "faq_eval_blind2.yaml": (0.90, 0.93, 0.87),
}
CEILINGS = {
    "faq_practice4.yaml": (0.025, 0.025),
    "faq_practice.yaml": (0.015, 0.04),
    "faq_practice3.yaml": (0.015, 0.035),
    "faq_eval.yaml": (0.025, 0.045),
    "faq_eval_long.yaml": (0.035, 0.03),
    "faq_eval_independent.yaml": (0.05, 0.01),
    "faq_eval_blind.yaml": (0.025, 0.1),
    "faq_eval_blind2.yaml": (0.03, 0.11),
}
MIN_SIZES = {
    "faq_practice4.yaml": (270, 75),
    "faq_eval.yaml": (150, 40),
    "faq_practice.yaml": (470, 180),
    "faq_practice3.yaml": (270, 90),
    "faq_eval_long.yaml": (60, 30),
    "faq_eval_independent.yaml": (120, 35),
    "faq_eval_blind.yaml": (120, 45),
    "faq_eval_blind2.yaml": (90, 40),
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(SHIPPED)


@pytest.mark.parametrize("set_file", sorted(MIN_SIZES))
def test_accuracy_on_question_set(set_file: str, kb: KnowledgeBase) -> None:
    path = ROOT / "data" / set_file
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    covered, uncovered = data["covered"], data["uncovered"]
    min_covered, min_uncovered = MIN_SIZES[set_file]
    assert len(covered) >= min_covered and len(uncovered) >= min_uncovered
    known = {entry.id for entry in kb.entries}
    assert all(set(_wanted(item)) <= known for item in covered)
    figures = measure(path, kb)
    right, tap, wrong, answered, fallback = figures.shares()
    summary = (
        f"{set_file}: answered right {right:.1%}, within one tap {tap:.1%}, wrong {wrong:.1%}, "
        f"off-topic answered {answered:.1%}, off-topic falling back {fallback:.1%} "
        f"({figures.covered} covered, {figures.off_topic} off-topic)"
    )
    gaps = [
        f"{name} {target - rate:.1%} short"
        for name, rate, target in zip(
            ("answered right", "one tap", "off-topic"), (right, tap, fallback), TARGETS, strict=True
        )
        if rate < target
    ]
    gaps += [
        f"{name} {rate - limit:.1%} over"
        for name, rate, limit in (
            ("wrong", wrong, MAX_WRONG),
            ("off-topic answered", answered, MAX_OFF_TOPIC_ANSWERED),
        )
        if rate > limit
    ]
    if gaps:
        summary += " -- BELOW the issue's goals: " + ", ".join(gaps)
    print(summary)
    for rate, floor in zip((right, tap, fallback), FLOORS[set_file], strict=True):
        assert rate >= floor, summary
    for rate, ceiling in zip((wrong, answered), CEILINGS[set_file], strict=True):
        assert rate <= ceiling, summary


def _wanted(item: dict[str, object]) -> list[str]:
    """The entries that answer a covered question: `id`, or `ids` when several do."""
    ids = item.get("ids", [item.get("id")])
    assert isinstance(ids, list)
    return [str(entry_id) for entry_id in ids]


# Per set with `foreign:` questions: how many there are at least, and the share to detect.
FOREIGN_FLOORS = {
    "faq_eval_independent.yaml": (15, 1.0),
    "faq_eval_blind.yaml": (12, 0.9),
    "faq_eval_blind2.yaml": (8, 1.0),
}


@pytest.mark.parametrize("set_file", sorted(FOREIGN_FLOORS))
def test_questions_in_other_languages_are_detected(set_file: str, kb: KnowledgeBase) -> None:
    data = YAML(typ="safe").load((ROOT / "data" / set_file).read_text(encoding="utf-8"))
    missed = [
        question
        for question in data["foreign"]
        if match_question(question, kb, DEFAULT_THRESHOLDS).decision != "not_english"
    ]
    size, floor = FOREIGN_FLOORS[set_file]
    assert len(data["foreign"]) >= size
    detected = 1 - len(missed) / len(data["foreign"])
    print(f"{set_file}: {detected:.1%} of {len(data['foreign'])} foreign questions detected")
    assert detected >= floor, missed
