"""Clusters of logged questions: grouping, counts, the typical example, the best entry, order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.desk.clusters import HiddenCluster, cluster_questions, cluster_token, question_key
from bot.storage.questions import LoggedQuestion

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def logged(
    question: str,
    decision: str = "fallback",
    candidates: tuple[tuple[str, float], ...] = (),
    chosen: str | None = None,
    minutes: int = 0,
) -> LoggedQuestion:
    return LoggedQuestion.model_validate(
        {
            "question": question,
            "decision": decision,
            "candidates": candidates,
            "chosen_entry": chosen,
            "asked_at": T0 + timedelta(minutes=minutes),
        }
    )


@pytest.mark.parametrize(
    ("questions", "groups"),
    [
        # Same words, other function words and punctuation: one cluster.
        (["How do we apply?", "how can we apply", "HOW DO WE APPLY"], [3]),
        # Plural, British / American spelling and "take part" fold together.
        (
            ["Can a university join the programme?", "can universities take part in the program"],
            [2],
        ),
        (["Is there funding for travel?", "who pays for the travel"], [2]),
        # Different topics stay apart, biggest first.
        (
            ["best pizza in naples?", "best pizza in naples", "Is there funding for travel?"],
            [2, 1],
        ),
        (["how much does it cost", "what is the deadline", "Can a university join?"], [1, 1, 1]),
    ],
)
def test_similar_questions_are_grouped(questions: list[str], groups: list[int]) -> None:
    clusters = cluster_questions([logged(q, minutes=n) for n, q in enumerate(questions)])
    assert [c.count for c in clusters] == groups


@pytest.mark.parametrize(
    ("decision", "kept"),
    [
        ("fallback", True),
        ("suggest", True),
        ("chosen", True),
        ("none", True),
        ("wrong", True),
        ("answer", False),
        ("not_english", False),
    ],
)
def test_only_questions_the_faq_did_not_answer_are_clustered(decision: str, kept: bool) -> None:
    chosen = "how-to-apply" if decision in ("chosen", "wrong") else None
    clusters = cluster_questions([logged("how do we apply", decision, chosen=chosen)])
    assert bool(clusters) is kept


def test_the_example_is_the_commonest_wording_of_the_most_central_group() -> None:
    rows = [
        logged("How do we apply for the twinning call?"),
        logged("how to apply for the call"),
        logged("how to apply for the call"),
        logged("how to apply to the call  please"),
    ]
    (cluster,) = cluster_questions(rows)
    assert cluster.count == 4
    assert cluster.example == "how to apply for the call"


@pytest.mark.parametrize(
    ("rows", "best"),
    [
        # Scores add up across the cluster.
        (
            [
                logged("travel costs", candidates=(("costs", 55), ("travel", 50))),
                logged("costs of travel", candidates=(("travel", 58), ("costs", 20))),
            ],
            "travel",
        ),
        # A press on a suggestion outweighs every score.
        (
            [
                logged("travel costs", "suggest", (("costs", 62), ("travel", 61))),
                logged("travel costs", "chosen", (("costs", 62), ("travel", 61)), chosen="travel"),
            ],
            "travel",
        ),
        # "None of these" says its candidates were wrong.
        (
            [
                logged("travel costs", "none", (("costs", 62), ("travel", 61))),
                logged("costs of travel", candidates=(("travel", 40),)),
            ],
            "travel",
        ),
        # "Not what I asked": the entry that answered it is not offered from its own row.
        (
            [
                logged("after selection", "wrong", (("pre-reg", 63), ("results", 54)), "pre-reg"),
                logged("after the selection", candidates=(("results", 50), ("pre-reg", 20))),
            ],
            "results",
        ),
        ([logged("best pizza in naples")], None),
    ],
)
def test_the_best_entry_comes_from_presses_then_scores(
    rows: list[LoggedQuestion], best: str | None
) -> None:
    (cluster,) = cluster_questions(rows)
    assert cluster.best_entry == best


def test_entries_no_longer_in_the_faq_are_not_offered() -> None:
    rows = [logged("travel costs", candidates=(("gone", 60), ("travel", 50)))]
    (cluster,) = cluster_questions(rows, known_entries={"travel", "costs"})
    assert cluster.best_entry == "travel" and cluster.entries == ("travel",)


def test_a_wrongly_answered_cluster_names_the_entry_and_counts_each_press() -> None:
    rows = [
        logged("after selection", "wrong", (("pre-reg", 63), ("results", 54)), "pre-reg"),
        logged("after the selection", "wrong", (("pre-reg", 60),), "pre-reg", minutes=1),
        logged("after selection?", "wrong", (("results", 70),), "results", minutes=2),
    ]
    (cluster,) = cluster_questions(rows)
    assert cluster.count == 3
    assert cluster.wrongly_answered == ("pre-reg", "results")
    # No row adds the entry that answered it: results gets 54 from the first, pre-reg nothing.
    assert cluster.entries == ("results",)


def test_a_press_under_a_suggestion_is_not_counted_as_a_second_asking() -> None:
    rows = [
        logged("travel costs", "suggest", (("costs", 62),)),
        logged("travel costs", "chosen", (("costs", 62),), chosen="costs"),
        logged("costs of travel", "none", (("costs", 61),)),
    ]
    (cluster,) = cluster_questions(rows)
    assert cluster.count == 2


def test_ties_are_broken_by_recency_then_key_so_the_order_is_stable() -> None:
    rows = [
        logged("best pizza in naples", minutes=1),
        logged("travel costs", minutes=5),
        logged("what is the deadline", minutes=5),
    ]
    first = cluster_questions(rows)
    # Equal counts: the latest asked first; equally recent: by key ("cost travel" < "deadlin").
    assert [c.example for c in first] == [
        "travel costs",
        "what is the deadline",
        "best pizza in naples",
    ]
    assert cluster_questions(list(reversed(rows))) == first


def test_an_ignored_cluster_hides_similar_questions_for_good() -> None:
    key = question_key("best pizza in naples")
    rows = [
        logged("best pizza in naples"),
        logged("the best pizza in naples?", minutes=90),
        logged("travel costs"),
    ]
    clusters = cluster_questions(rows, hidden=[HiddenCluster(key)])
    assert [c.example for c in clusters] == ["travel costs"]


def test_an_added_cluster_hides_what_was_asked_before_and_shows_what_comes_after() -> None:
    key = question_key("travel costs")
    rows = [logged("travel costs"), logged("costs for travel", minutes=10)]
    fixed = HiddenCluster(key, until=T0 + timedelta(minutes=5))
    (cluster,) = cluster_questions(rows, hidden=[fixed])
    assert cluster.count == 1 and cluster.example == "costs for travel"


def test_the_token_is_short_and_stable() -> None:
    token = cluster_token(question_key("How do we apply?"))
    assert len(token) == 10 and token == cluster_token("apply")


def test_a_long_example_is_shown_cut_to_about_200_characters() -> None:
    from bot.settings import BUNDLED_FAQ_DIR
    from faq.loader import load_knowledge_base
    from handlers.faq_admin import EXAMPLE_CHARS, cluster_text

    kb = load_knowledge_base(BUNDLED_FAQ_DIR)
    long = "how do we apply " * 60  # about 1,000 characters
    [cluster] = cluster_questions([logged(long.strip())], [], {e.id for e in kb.entries})
    text = cluster_text(cluster, kb)
    shown = text.split("“")[1].split("”")[0]
    assert len(shown) == EXAMPLE_CHARS <= 200 and shown.endswith("…")
    assert long.strip()[: EXAMPLE_CHARS - 1] == shown[:-1]
