"""The pure parts of /register: step order, verdict routing, records, texts, button data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.lifecycle import drop_idle_drafts
from bot.registration.notice import FULL_NOTICE, NOTICE_VERSION, SHORT_NOTICE, SUBSCRIBES
from bot.registration.steps import (
    EDITABLE,
    STATUS_LABELS,
    TOPICS,
    Step,
    changed,
    draft_from_check,
    draft_of,
    is_idle,
    new_draft,
    registration_of,
    step_after,
    step_before,
    toggled,
)
from bot.registration.texts import (
    and_joined,
    pressed_answer,
    staff_notice,
    status_label,
    summary,
    thanks,
    verdict_text,
)
from bot.storage.store import Store
from faq.eligibility import Judgement, Verdict
from faq.loader import load_knowledge_base
from handlers import callback_data as data
from handlers.registration import keyboard

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
USER = 1001


def _draft(**fields: Any) -> Any:
    return changed(new_draft(USER, NOW), **fields)


FULL = dict(
    consented_at=NOW,
    notice_version=NOTICE_VERSION,
    city="Gent & <Co>",
    country="BE",
    status="none",
    commitment="yes",
    verdict="eligible",
    population=260_000,
    contact_name="Ana <b>Silva</b>",
    contact_role="Climate officer",
    email="ana@gent.example.be",
    topics=("mobility",),
)


@pytest.mark.parametrize(
    ("fields", "answered", "following"),
    [
        ({}, Step.CONSENT, Step.CITY),
        ({}, Step.CITY, Step.COUNTRY),
        ({}, Step.COUNTRY, Step.STATUS),
        ({}, Step.STATUS, Step.COMMITMENT),
        ({"verdict": "eligible"}, Step.COMMITMENT, Step.POPULATION),
        ({"verdict": "unclear"}, Step.COMMITMENT, Step.POPULATION),
        ({"verdict": "not eligible"}, Step.COMMITMENT, Step.VERDICT),
        ({"verdict": "not eligible", "interest_only": True}, Step.COMMITMENT, Step.POPULATION),
        ({"verdict": "not eligible"}, Step.COUNTRY, Step.STATUS),  # judged only at commitment
        ({"verdict": "not eligible", "reviewing": True}, Step.COUNTRY, Step.VERDICT),
        ({"verdict": "eligible", "reviewing": True}, Step.STATUS, Step.REVIEW),
        ({"reviewing": True}, Step.VERDICT, Step.REVIEW),
        ({}, Step.VERDICT, Step.POPULATION),
        ({}, Step.EMAIL, Step.TOPICS),
        ({}, Step.TOPICS, Step.REVIEW),
        ({"reviewing": True}, Step.CONSENT, Step.REVIEW),
        # Answers carried over from /eligibility: the city is followed by what follows them.
        ({"from_check": True, "verdict": "eligible"}, Step.CITY, Step.POPULATION),
        ({"from_check": True, "verdict": "unclear"}, Step.CITY, Step.POPULATION),
        ({"from_check": True, "verdict": "not eligible"}, Step.CITY, Step.VERDICT),
        ({"from_check": True, "verdict": "eligible", "reviewing": True}, Step.CITY, Step.REVIEW),
        ({"from_check": True, "verdict": "eligible"}, Step.COUNTRY, Step.STATUS),  # when edited
    ],
)
def test_the_step_after_an_answer(fields: dict[str, Any], answered: Step, following: Step) -> None:
    assert step_after(_draft(**fields), answered) is following


@pytest.mark.parametrize(
    ("reviewing", "step", "previous"),
    [
        (False, Step.CONSENT, None),
        (False, Step.CITY, Step.CONSENT),
        (False, Step.POPULATION, Step.COMMITMENT),  # the verdict is skipped
        (False, Step.REVIEW, Step.TOPICS),
        (True, Step.EMAIL, Step.REVIEW),
        (True, Step.REVIEW, Step.TOPICS),
    ],
)
def test_back(reviewing: bool, step: Step, previous: Step | None) -> None:
    assert step_before(_draft(reviewing=reviewing), step) is previous


@pytest.mark.parametrize(
    ("step", "previous"),
    [
        (Step.POPULATION, Step.CITY),  # past the answers carried over from /eligibility
        (Step.VERDICT, Step.CITY),
        (Step.CITY, Step.CONSENT),
        (Step.STATUS, Step.COUNTRY),  # opened from the review's Edit: as usual
    ],
)
def test_back_after_an_eligibility_check(step: Step, previous: Step) -> None:
    assert step_before(_draft(from_check=True), step) is previous


@pytest.mark.parametrize(
    ("answers", "kept", "from_check", "verdict"),
    [
        (("ES", "none", "yes"), ("ES", "none", "yes"), True, "eligible"),
        (("ES", "mission", "yes"), ("ES", "mission", "yes"), True, "not eligible"),
        (("CA", "none", "unsure"), ("CA", "none", "unsure"), True, "unclear"),
        # An answer no longer valid is not carried: its step, and the others, are asked.
        (("ES", "retired", "yes"), ("ES", None, "yes"), False, None),
        (("ZZ", "none", "yes"), (None, "none", "yes"), False, None),
    ],
)
def test_a_draft_from_an_eligibility_check(
    answers: tuple[str, str, str],
    kept: tuple[str | None, ...],
    from_check: bool,
    verdict: str | None,
) -> None:
    rules = load_knowledge_base(SHIPPED).eligibility
    draft = draft_from_check(USER, NOW, answers, rules)
    assert (draft.country, draft.status, draft.commitment) == kept
    assert (draft.from_check, draft.verdict, draft.step) == (from_check, verdict, Step.CONSENT)


def test_a_registration_from_a_check_forgets_where_its_answers_came_from() -> None:
    registration = registration_of(_draft(**FULL, from_check=True), None, NOW)
    assert "from_check" not in registration.model_dump()


@pytest.mark.parametrize(
    ("topics", "pressed", "result"),
    [
        ((), "finance", ("finance",)),
        (("finance",), "mobility", ("mobility", "finance")),  # kept in the buttons' order
        (("mobility", "finance"), "finance", ("mobility",)),
    ],
)
def test_pressing_a_topic_toggles_it(
    topics: tuple[str, ...], pressed: str, result: tuple[str, ...]
) -> None:
    assert toggled(topics, pressed) == result


@pytest.mark.parametrize(
    ("idle", "expired"),
    [
        (timedelta(hours=23, minutes=59), False),
        (timedelta(hours=24), False),
        (timedelta(hours=24, seconds=1), True),
    ],
)
def test_a_draft_expires_after_24_hours(idle: timedelta, expired: bool) -> None:
    assert is_idle(NOW - idle, NOW) is expired


def test_a_confirmed_draft_becomes_a_registration_and_an_update_keeps_the_first_time() -> None:
    draft = _draft(**FULL, step=Step.REVIEW, reviewing=True, prompt_message_id=9)
    first = registration_of(draft, None, NOW)
    assert first.registered_at == first.updated_at == NOW and first.city == "Gent & <Co>"
    later = NOW + timedelta(days=3)
    again = registration_of(draft_of(first, later), first, later)
    assert (again.registered_at, again.updated_at) == (NOW, later)
    assert draft_of(first, later).updating and draft_of(first, later).step == Step.REVIEW


def test_summaries_and_the_staff_notice_escape_what_people_typed() -> None:
    registration = registration_of(_draft(**FULL, interest_only=True), None, NOW)
    for text in (
        summary(registration),
        staff_notice(registration, updated=False, possible_duplicate=True),
    ):
        assert "Gent &amp; &lt;Co&gt;" in text and "&lt;b&gt;Silva" in text
        assert "<Co>" not in text and "Belgium" in text and "260,000" in text
    notice = staff_notice(registration, updated=True, possible_duplicate=True)
    assert "updated" in notice and "possible duplicate" in notice and "interest only" in notice
    plain = staff_notice(
        registration_of(_draft(**FULL), None, NOW), updated=False, possible_duplicate=False
    )
    assert "duplicate" not in plain and "interest only" not in plain


def test_a_verdict_lists_its_reasons_escaped() -> None:
    judgement = Judgement(Verdict.UNCLEAR, ("A <reason> & more",), ("whether <this>",))
    text = verdict_text(judgement)
    assert "A &lt;reason&gt; &amp; more" in text and "whether &lt;this&gt;" in text


@pytest.mark.parametrize(
    ("judgement", "in_order"),
    [
        pytest.param(
            Judgement(
                Verdict.NOT_ELIGIBLE,
                ("Failed rule.",),
                ("whether one", "whether two"),
                ("Unclear point.",),
            ),
            ("does not seem eligible", "because:", "• Failed rule.", "Also unclear:",
             "• Unclear point.", "Please check", "• whether one", "• whether two",
             "netzerocities.eu"),
            id="not-eligible-failed-first-then-unclear",
        ),
        pytest.param(
            Judgement(Verdict.UNCLEAR, ("Unclear point.",), ("whether one",)),
            ("cannot tell for sure", "• Unclear point.", "Please check", "• whether one",
             "netzerocities.eu"),
            id="unclear",
        ),
        pytest.param(
            Judgement(Verdict.ELIGIBLE, ("Rule met.",)),
            ("looks eligible", "• Rule met."),
            id="eligible-nothing-to-check",
        ),
    ],
)  # fmt: skip
def test_a_verdict_reads_in_order_with_one_colon_a_line_and_the_address_once(
    judgement: Judgement, in_order: tuple[str, ...]
) -> None:
    text = verdict_text(judgement)
    positions = [text.index(part) for part in in_order]
    assert positions == sorted(positions)
    assert all(line.count(":") <= 1 for line in text.splitlines())
    assert text.count("netzerocities.eu") == (1 if judgement.to_check else 0)
    assert "Also unclear" not in text or judgement.also_unclear


@pytest.mark.parametrize(
    ("items", "joined"),
    [
        ((), ""),
        (("a",), "a"),
        (("a", "b"), "a and b"),
        (("your pre-registration of X", "your news subscription", "c"),
         "your pre-registration of X, your news subscription and c"),
    ],
)  # fmt: skip
def test_and_joined(items: tuple[str, ...], joined: str) -> None:
    assert and_joined(items) == joined


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("none", "none of the above (not a Mission, Pilot or Twin City)"),
        ("mission", "Mission City"),
        (None, "—"),
    ],
)
def test_how_a_status_reads_in_a_summary(status: str | None, label: str) -> None:
    assert status_label(status) == label
    assert f"<b>Status:</b> {label}" in summary(_draft(status=status))


@pytest.mark.parametrize(
    ("new", "says", "not_said"),
    [
        (True, ("Gent &amp; Co is pre-registered", "I subscribed you", "/unsubscribe"), ()),
        (False, ("Your pre-registration is updated.",), ("subscribed", "Gent")),
    ],
)
def test_the_thanks_say_subscribed_only_for_a_new_registration(
    new: bool, says: tuple[str, ...], not_said: tuple[str, ...]
) -> None:
    text = thanks("Gent & Co", new=new)
    assert all(part in text for part in says) and "not an application" in text
    assert not any(part in text for part in not_said)


@pytest.mark.parametrize(
    ("step", "cancel"),
    [(Step.VERDICT, False), (Step.STATUS, True), (Step.POPULATION, True)],
)
def test_the_verdict_step_has_stop_here_instead_of_cancel(step: Step, cancel: bool) -> None:
    buttons = [b.callback_data for row in keyboard(_draft(), step).inline_keyboard for b in row]
    assert (data.registration(step, "cancel") in buttons) is cancel
    assert data.registration(step, "why") in buttons


def test_the_notice_says_what_why_how_long_how_to_erase_and_not_who_receives_it() -> None:
    for notice in (SHORT_NOTICE, FULL_NOTICE):
        assert NOTICE_VERSION in notice and "/deletedata" in notice
        assert "not an application" in notice and "people running this bot" in notice
        assert "NetZeroCities" not in notice
        assert "work email" in notice and "population" in notice
        assert SUBSCRIBES in notice and "/unsubscribe" in notice
    assert "subscribes you to news and deadline reminders" in SUBSCRIBES
    assert NOTICE_VERSION > "2026-12-02"  # the meaning changed: people are asked again


def test_the_full_notice_says_what_human_keeps_who_sees_it_and_the_one_day_hint() -> None:
    what, why, who, how_long = (
        FULL_NOTICE.split(f"<b>{heading}</b>", 1)[1].split("<b>", 1)[0]
        for heading in ("What I keep.", "Why.", "Who sees it.", "For how long.")
    )
    assert "/human" in what and "first name" in what and "city and country" in what
    assert "for one day" in what and "without your user id" in what
    assert "/human" in why
    assert "/human" in who and "team running this bot" in who
    assert "one day" in how_long and "delete it after the call" in how_long
    # Shown before /register, the short notice is about pre-registering only.
    assert "/human" not in SHORT_NOTICE and "one day" not in SHORT_NOTICE


def test_every_button_fits_telegrams_64_bytes() -> None:
    buttons = [data.registration(step, "why") for step in Step]
    buttons += [data.registration(Step.REVIEW, f"edit:{field}") for field in EDITABLE]
    buttons += [data.registration(Step.TOPICS, f"t:{topic}") for topic in TOPICS]
    buttons += [data.eligibility_commitment("XK", s.value, "unsure") for s in STATUS_LABELS]
    assert all(len(button.encode()) <= 64 for button in buttons)
    assert data.registration_step_and_action("reg:topics:t:finance") == ("topics", "t:finance")
    assert data.eligibility_answers("elig:m:XK:applied:unsure") == ["XK", "applied", "unsure"]
    carried = data.register_start("XK", "applied", "unsure")
    assert len(carried.encode()) <= 64
    assert data.register_start_answers(carried) == ("XK", "applied", "unsure")
    assert data.register_start_answers(data.REGISTER_START) is None
    assert re.match(data.REGISTRATION_RESUME_PATTERN, carried)


async def test_the_hourly_job_drops_drafts_idle_for_24_hours(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        await store.save_draft(new_draft(USER, NOW - timedelta(hours=25)))
        await store.save_draft(new_draft(USER + 1, NOW - timedelta(hours=1)))
        services = SimpleNamespace(store=store, clock=lambda: NOW)
        await drop_idle_drafts(SimpleNamespace(services=services))  # type: ignore[arg-type]
        assert await store.get_draft(USER) is None
        assert await store.get_draft(USER + 1) is not None
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("step", "action", "kept"),
    [
        (Step.CONSENT, "agree", "✓ I agree"),
        (Step.COUNTRY, "BE", "✓ Country: Belgium"),
        (Step.STATUS, "mission", "✓ Status: Mission City"),
        (Step.COMMITMENT, "unsure", "✓ Commitment: Not sure"),
        (Step.VERDICT, "interest", "✓ Register our interest anyway"),
        (Step.VERDICT, "stop", "✓ Stop here"),
        (Step.TOPICS, "done", "✓ Topics: Mobility"),
        (Step.POPULATION, "sure", "✓ Population: 260,000"),
        # Presses that answer nothing leave no mark.
        (Step.COUNTRY, "back", None),
        (Step.STATUS, "cancel", None),
        (Step.TOPICS, "t:mobility", None),
        (Step.REVIEW, "edit:city", None),
        ("nostep", "agree", None),
    ],
)
def test_the_answer_kept_under_a_pressed_prompt(step: str, action: str, kept: str | None) -> None:
    assert pressed_answer(_draft(**FULL), step, action) == kept
