"""/register end to end over the sandbox: the walk, bad input, restarts, expiry, data commands."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest

from bot.registration.notice import NOTICE_VERSION
from bot.registration.steps import WHY, Step, changed
from bot.sandbox.server import RunningSandbox
from bot.settings import Settings
from bot.storage.store import Store
from handlers.faq import NOT_FOUND_TEXT
from handlers.registration import (
    ALREADY_SAVED_TEXT,
    BUSY_TEXT,
    CANCELLED_TEXT,
    CANCELLED_UPDATE_TEXT,
    GONE_TEXT,
    STALE_TEXT,
    USE_BUTTONS_TEXT,
)
from tests.conftest import STAFF_ID
from tests.registration_steps import (
    Answers,
    current,
    durable_sandbox,
    press,
    register,
    restarted_at,
    set_clock,
    stored_draft,
    wait_for_edit,
    walk_to,
)
from tests.sandbox_client import SandboxClient, button_data

Message = dict[str, Any]


def _store(sandbox: RunningSandbox) -> Store:
    return sandbox.application.bot_data.services.store


async def test_the_whole_walk_with_back_why_an_faq_question_and_an_edit(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    consent = await user.ask("/register")
    assert "not an application" in consent["text"] and NOTICE_VERSION in consent["text"]
    assert "NetZeroCities" not in consent["text"]  # no source says who runs this bot
    assert await user.alert(consent["message_id"], "reg:consent:why") == WHY[Step.CONSENT]
    city = await press(user, consent, Step.CONSENT, "agree")
    assert "city or municipality" in city["text"]

    answer = await user.ask("How long does the programme last?")
    assert "month" in answer["text"].lower()  # answered from the FAQ, then asked again
    assert "city or municipality" in (await user.next_bot_message())["text"]

    country = await user.ask("Gent & Co")
    back = await press(user, country, Step.COUNTRY, "back")
    assert "city or municipality" in back["text"]
    assert (await stored_draft(sandbox, user.user_id)).city == "Gent & Co"  # earlier answer kept
    await user.ask("Gent")
    status = await user.ask("Belgique")  # a local name
    assert "Belgium" in status["text"] or "already" in status["text"]
    commitment = await press(user, status, Step.STATUS, "none")
    population = await press(user, commitment, Step.COMMITMENT, "yes")
    assert "looks eligible" in population["text"] and "live" in population["text"]
    await user.ask("120k")
    await user.ask("Ana Silva")
    await user.ask("Climate officer")
    topics = await user.ask("ana@gent.example.be")
    await user.press(topics["message_id"], "reg:topics:t:mobility")
    await wait_for_edit(user, topics["message_id"], "✔️ Mobility")
    await user.press(topics["message_id"], "reg:topics:t:finance")
    await wait_for_edit(user, topics["message_id"], "✔️ Finance")
    unselect = await user.press(topics["message_id"], "reg:topics:t:finance")  # again: unselects
    await user.button_answer(unselect)
    review = await press(user, topics, Step.TOPICS, "done")
    assert "120,000" in review["text"] and "Mobility" in review["text"]
    assert "Finance" not in review["text"]

    edited = await press(user, review, Step.REVIEW, "edit:city")
    assert "city or municipality" in edited["text"]
    review = await user.ask("Ghent")
    assert "Please check your answers" in review["text"] and "Ghent" in review["text"]
    thanks = await press(user, review, Step.REVIEW, "confirm")
    assert "pre-registered" in thanks["text"] and "/unsubscribe" in thanks["text"]

    store = _store(sandbox)
    saved = await store.get_registration(user.user_id)
    assert saved is not None and saved.city == "Ghent" and saved.country == "BE"
    assert (saved.status, saved.commitment, saved.verdict) == ("none", "yes", "eligible")
    assert (saved.population, saved.topics) == (120_000, ("mobility",))
    assert saved.notice_version == NOTICE_VERSION and saved.consented_at is not None
    assert saved.registered_at == saved.updated_at and not saved.interest_only
    assert await store.get_draft(user.user_id) is None
    assert await store.is_subscriber(user.user_id)


@pytest.mark.parametrize(
    ("step", "typed", "sentence", "asked"),
    [
        (Step.CITY, "🙂🙂🙂", "in letters", "city or municipality"),
        (Step.CITY, "\u200b", "in letters", "city or municipality"),  # looks empty
        (Step.CITY, "x" * 101, "at most 100 characters", "city or municipality"),
        (Step.CITY, "<b>Gent</b>", "without < or >", "city or municipality"),
        (Step.POPULATION, "0", "", "live"),
        (Step.POPULATION, "-5", "negative", "live"),
        (Step.POPULATION, "999999999999", "", "live"),
        (Step.POPULATION, "lots of people", "as a number", "live"),
        (Step.CONTACT_ROLE, "👍", "in letters", "role or position"),
        (Step.EMAIL, "ana@", "", "work email"),
        (Step.EMAIL, "not an email", "", "work email"),
        (Step.STATUS, "mission", USE_BUTTONS_TEXT, "already"),  # text where a button is expected
    ],
)
async def test_a_bad_answer_gets_one_sentence_and_the_question_again(
    user: SandboxClient,
    sandbox: RunningSandbox,
    step: Step,
    typed: str,
    sentence: str,
    asked: str,
) -> None:
    prompt = await walk_to(user, step)
    reply = await user.ask(typed)
    refusal, _, question = reply["text"].partition("\n\n")
    assert sentence in refusal and "\n" not in refusal and refusal.endswith(".")
    assert asked in question
    assert button_data(reply) == button_data(prompt)  # the same step, asked again
    draft = await stored_draft(sandbox, user.user_id)
    assert draft.step == step and getattr(draft, step.value, None) is None
    if step is not Step.CITY:
        assert draft.city == "Gent"  # earlier answers kept


async def test_an_unknown_country_offers_the_closest_as_buttons(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await walk_to(user, Step.COUNTRY)
    reply = await user.ask("Atlantis <b>")
    assert "I don't know the country “Atlantis <b>”" in reply["text"]  # escaped, shown literally
    assert "reg:country:FR" in button_data(reply)
    status = await press(user, reply, Step.COUNTRY, "FR")
    assert "already" in status["text"]
    assert (await stored_draft(sandbox, user.user_id)).country == "FR"


async def test_a_press_on_a_prompt_that_is_not_the_latest_alerts_and_changes_nothing(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    country = await walk_to(user, Step.COUNTRY)
    status = await press(user, country, Step.COUNTRY, "ES")
    before = await stored_draft(sandbox, user.user_id)
    # As if a newer prompt had been sent whose predecessor's buttons could not be taken off.
    await _store(sandbox).save_draft(changed(before, prompt_message_id=status["message_id"] + 50))
    assert await user.alert(status["message_id"], "reg:status:mission") == STALE_TEXT
    assert await user.alert(status["message_id"], "reg:status:back") == STALE_TEXT
    after = await stored_draft(sandbox, user.user_id)
    assert (after.country, after.status, after.step) == (before.country, None, "status")


@pytest.mark.parametrize(
    ("step", "typed", "more"),
    [
        (Step.STATUS, "pilot", 0),  # text at a button step
        (Step.COUNTRY, "Atlantis", 0),  # a bad value
        (Step.CITY, "How long does the programme last?", 1),  # an FAQ answer mid-way
        (Step.TOPICS, "How long does the programme last?", 1),
    ],
)
async def test_when_a_question_is_asked_again_only_the_new_prompt_has_buttons(
    user: SandboxClient, step: Step, typed: str, more: int
) -> None:
    prompt = await walk_to(user, step)
    if step is Step.TOPICS:
        await user.press(prompt["message_id"], "reg:topics:t:mobility")
        await wait_for_edit(user, prompt["message_id"], "✔️ Mobility")
    again = await user.ask(typed)
    for _ in range(more):  # the FAQ answer comes first
        again = await user.next_bot_message()
    assert button_data(await current(user, prompt["message_id"])) == []
    assert button_data(again) and all(d.startswith(f"reg:{step}:") for d in button_data(again))
    if step is Step.TOPICS:  # the ticks carry over
        labels = [b["text"] for row in again["buttons"] for b in row]
        assert "✔️ Mobility" in labels


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ("Belgique", "Country: Belgium."),
        ("Wales", "Country: United Kingdom."),
        ("button:ES", "Country: Spain."),
    ],
)
async def test_the_next_prompt_says_which_country_was_understood(
    user: SandboxClient, answer: str, shown: str
) -> None:
    prompt = await walk_to(user, Step.COUNTRY)
    if answer.startswith("button:"):
        status = await press(user, prompt, Step.COUNTRY, answer.removeprefix("button:"))
    else:
        status = await user.ask(answer)
    assert status["text"].startswith(shown)
    assert "Is your city already part of the EU Cities Mission? Choose one." in status["text"]


async def test_eligibility_during_a_registration_says_to_finish_it_first(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await walk_to(user, Step.CITY)
    assert (await user.ask("/eligibility"))["text"] == BUSY_TEXT
    assert "country" in (await user.ask("Gent"))["text"]  # the registration goes on
    assert (await stored_draft(sandbox, user.user_id)).city == "Gent"


@pytest.mark.parametrize(
    ("status", "after_city"),
    [("none", "live"), ("mission", "does not seem eligible")],
)
async def test_pre_register_after_a_check_keeps_its_answers(
    user: SandboxClient, sandbox: RunningSandbox, status: str, after_city: str
) -> None:
    first = await user.ask("/eligibility")
    await user.press(first["message_id"], "elig:c:ES")
    await wait_for_edit(user, first["message_id"], "already")
    await user.press(first["message_id"], f"elig:s:ES:{status}")
    await wait_for_edit(user, first["message_id"], "2050")
    await user.press(first["message_id"], f"elig:m:ES:{status}:yes")
    verdict = await wait_for_edit(user, first["message_id"], "/register")
    assert button_data(verdict) == [f"reg:start:ES:{status}:yes"]
    await user.press(first["message_id"], f"reg:start:ES:{status}:yes")
    consent = await user.next_bot_message()
    assert "Country: Spain." in consent["text"] and "Before we start" in consent["text"]
    city = await press(user, consent, Step.CONSENT, "agree")
    following = await user.ask("Gent")  # no country, status or commitment asked again
    assert after_city in following["text"]
    draft = await stored_draft(sandbox, user.user_id)
    assert (draft.country, draft.status, draft.commitment) == ("ES", status, "yes")
    back = await press(user, following, Step(draft.step), "back")
    assert back["text"] == city["text"]  # Back leads to the city, past the kept answers


async def test_a_review_of_a_check_shows_the_kept_answers_to_edit(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    first = await user.ask("/eligibility")
    await user.press(first["message_id"], "elig:c:PT")
    await wait_for_edit(user, first["message_id"], "already")
    await user.press(first["message_id"], "elig:s:PT:none")
    await wait_for_edit(user, first["message_id"], "2050")
    await user.press(first["message_id"], "elig:m:PT:none:yes")
    await wait_for_edit(user, first["message_id"], "/register")
    await user.press(first["message_id"], "reg:start:PT:none:yes")
    consent = await user.next_bot_message()
    await press(user, consent, Step.CONSENT, "agree")
    await user.ask("Porto")
    for answer in ("230,000", "Rui Costa", "Climate officer", "rui@porto.example.pt"):
        prompt = await user.ask(answer)
    review = await press(user, prompt, Step.TOPICS, "done")
    assert "Portugal" in review["text"] and "none of the above" in review["text"]
    assert "reg:review:edit:country" in button_data(review)
    status = await press(user, review, Step.REVIEW, "edit:status")
    assert "already part" in status["text"]


async def test_cancel_at_any_step_deletes_the_draft(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await walk_to(user, Step.EMAIL)
    reply = await user.ask("/cancel")
    assert reply["text"] == CANCELLED_TEXT and "nothing was saved" in reply["text"]
    assert CANCELLED_UPDATE_TEXT != CANCELLED_TEXT
    assert await _store(sandbox).get_draft(user.user_id) is None
    assert "Hello" in (await user.ask("hello"))["text"]  # the conversation is over
    prompt = await walk_to(user, Step.CITY)
    await press(user, prompt, Step.CITY, "cancel")
    assert await _store(sandbox).get_draft(user.user_id) is None


async def test_a_city_found_not_eligible_is_told_why_and_may_register_interest(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    verdict = await walk_to(user, Step.VERDICT, Answers(status="mission"))
    assert "does not seem eligible" in verdict["text"] and "Mission Cities" in verdict["text"]
    assert button_data(verdict) == [
        "reg:verdict:interest",
        "reg:verdict:stop",
        "reg:verdict:back",
        "reg:verdict:why",
    ]  # Stop here is the way out: no Cancel besides it
    population = await press(user, verdict, Step.VERDICT, "interest")
    assert "live" in population["text"]
    assert (await stored_draft(sandbox, user.user_id)).interest_only
    resumed = await user.ask("/register")  # an open draft carries on where it was
    assert "carry on" in resumed["text"] and "live" in resumed["text"]


async def test_stop_after_a_not_eligible_verdict_keeps_nothing(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    verdict = await walk_to(user, Step.VERDICT, Answers(status="twin"))
    reply = await press(user, verdict, Step.VERDICT, "stop")
    assert "Nothing was saved" in reply["text"]
    assert await _store(sandbox).get_draft(user.user_id) is None


async def test_a_restart_mid_way_resumes_at_the_same_step(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with restarted_at(settings, http, Step.POPULATION) as (second, again):
        name = await again.ask("120 000")
        assert "name of the contact person" in name["text"]
        draft = await stored_draft(second, 1001)
        assert (draft.city, draft.country, draft.population) == ("Gent", "BE", 120_000)


async def test_a_draft_left_24_hours_is_dropped_even_across_a_restart(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with restarted_at(settings, http, Step.CITY) as (second, again):
        set_clock(second, timedelta(hours=24, minutes=1))
        assert (await again.ask("Gent"))["text"] == GONE_TEXT
        assert await second.application.bot_data.services.store.get_draft(1001) is None
        assert "Hello" in (await again.ask("hello"))["text"]  # the conversation ended


async def test_a_draft_under_24_hours_old_carries_on(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await walk_to(user, Step.CITY)
    set_clock(sandbox, timedelta(hours=23))
    assert "country" in (await user.ask("Gent"))["text"]


async def test_registering_again_shows_the_record_and_offers_an_update(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await register(user)
    store = _store(sandbox)
    first = await store.get_registration(user.user_id)
    assert first is not None
    saved = await user.ask("/register")
    assert "already pre-registered" in saved["text"] and "Gent" in saved["text"]
    assert button_data(saved) == ["reg:update", "reg:keep"]
    await user.press(saved["message_id"], "reg:keep")
    assert "Kept" in (await user.next_bot_message())["text"]

    saved = await user.ask("/myregistration")
    assert "Registered on" in saved["text"]
    await user.press(saved["message_id"], "reg:update")
    review = await user.next_bot_message()
    assert "updating your saved pre-registration" in review["text"]
    population = await press(user, review, Step.REVIEW, "edit:population")
    review = await user.ask("1.2 million")
    assert "1,200,000" in review["text"]
    set_clock(sandbox, timedelta(hours=1))
    await press(user, review, Step.REVIEW, "confirm")
    updated = await store.get_registration(user.user_id)
    assert updated is not None and updated.population == 1_200_000
    assert updated.registered_at == first.registered_at
    assert updated.updated_at is not None and first.updated_at is not None
    assert updated.updated_at > first.updated_at
    assert population["message_id"] < review["message_id"]


@pytest.fixture
def staff_settings(settings: Settings) -> Settings:
    """Settings whose staff chat is the staff member's private chat."""
    return settings.model_copy(update={"staff_chat_id": STAFF_ID})


async def test_staff_hear_of_each_registration_with_duplicates_and_interest_flagged(
    staff_settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with durable_sandbox(staff_settings) as running:
        staff = SandboxClient(http, running.url, STAFF_ID)
        await staff.ask("/start")  # Telegram lets the bot write only to people who started it
        first = SandboxClient(http, running.url, 1001)
        await register(first, Answers(city="Gent & Co"))
        notice = await staff.next_bot_message()
        assert "New pre-registration" in notice["text"] and "Gent & Co" in notice["text"]
        assert "duplicate" not in notice["text"]
        second = SandboxClient(http, running.url, 1002)
        await register(second, Answers(city="gent  &  co", status="mission"))
        notice = await staff.next_bot_message()
        assert "possible duplicate" in notice["text"] and "interest only" in notice["text"]
        store = running.application.bot_data.services.store
        assert len(await store.registrations_of_city("Gent & Co", "BE")) == 2  # both kept


async def test_mydata_shows_the_draft_and_deletedata_mid_registration_ends_it(
    user: SandboxClient, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await walk_to(user, Step.EMAIL)
    summary = await user.ask("/mydata")
    assert "unfinished pre-registration" in summary["text"] and "Gent" in summary["text"]
    assert NOTICE_VERSION in summary["text"]
    document = (await user.next_bot_message())["document"]
    async with http.get(urljoin(user.base + "/", document["url"])) as response:
        exported = json.loads(await response.read())
    assert exported["draft"]["city"] == "Gent" and exported["registration"] is None

    question = await user.ask("/deletedata")
    await user.press(question["message_id"], "privacy:erase")
    erased = await wait_for_edit(user, question["message_id"], "erased")
    assert "unfinished pre-registration" in erased["text"]
    assert await _store(sandbox).get_draft(user.user_id) is None
    assert "Hello" in (await user.ask("hello"))["text"]  # no longer taken for an email
    assert "no personal data" in (await user.ask("/mydata"))["text"]


async def test_mydata_and_deletedata_after_registering(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await register(user, Answers(contact_name="Ana & Bo"))
    summary = await user.ask("/mydata")
    for shown in ("Gent", "Belgium", "Ana & Bo", "260,000", "Mobility", NOTICE_VERSION):
        assert shown in summary["text"]
    await user.next_bot_message()  # the JSON file
    question = await user.ask("/deletedata")
    await user.press(question["message_id"], "privacy:erase")
    erased = await wait_for_edit(user, question["message_id"], "erased")
    assert "I erased your pre-registration of Gent and your news subscription." in erased["text"]
    store = _store(sandbox)
    assert await store.get_registration(user.user_id) is None
    assert not await store.is_subscriber(user.user_id)
    assert "no personal data" in (await user.ask("/mydata"))["text"]


async def test_privacy_and_myregistration_commands(user: SandboxClient) -> None:
    notice = await user.ask("/privacy")
    assert f"version {NOTICE_VERSION}" in notice["text"] and "/deletedata" in notice["text"]
    assert "/human" in notice["text"] and "for one day" in notice["text"]
    assert "not pre-registered" in (await user.ask("/myregistration"))["text"]
    assert "nothing to cancel" in (await user.ask("/cancel"))["text"]


async def _update_saved(user: SandboxClient) -> Message:
    """From /myregistration's Edit to the review of the saved registration."""
    saved = await user.ask("/myregistration")
    await user.press(saved["message_id"], "reg:update")
    return await user.next_bot_message()


async def test_someone_who_agreed_to_the_notice_before_human_is_asked_again(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await register(user)
    store = _store(sandbox)
    saved = await store.get_registration(user.user_id)
    assert saved is not None
    # The version before the notice said what /human keeps.
    await store.save_registration(saved.model_copy(update={"notice_version": "2026-12-02"}))
    asked = await _update_saved(user)
    assert "The privacy notice has changed since you agreed" in asked["text"]
    review = await press(user, asked, Step.CONSENT, "agree")
    await press(user, review, Step.REVIEW, "confirm")
    updated = await store.get_registration(user.user_id)
    assert updated is not None and updated.notice_version == NOTICE_VERSION


async def test_an_update_leaves_the_subscription_as_it_is(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    first = await register(user)
    assert "I subscribed you" in first["text"]
    await user.ask("/unsubscribe")
    assert not await _store(sandbox).is_subscriber(user.user_id)
    review = await _update_saved(user)
    thanks = await press(user, review, Step.REVIEW, "confirm")
    assert "Your pre-registration is updated." in thanks["text"]
    assert "subscribed" not in thanks["text"]
    assert not await _store(sandbox).is_subscriber(user.user_id)  # not subscribed again


@pytest.mark.parametrize("how", ["/cancel", "button"])
async def test_cancel_while_updating_says_the_saved_registration_is_unchanged(
    user: SandboxClient, sandbox: RunningSandbox, how: str
) -> None:
    await register(user)
    review = await _update_saved(user)
    population = await press(user, review, Step.REVIEW, "edit:population")
    if how == "/cancel":
        reply = await user.ask("/cancel")
    else:
        reply = await press(user, population, Step.POPULATION, "cancel")
    assert reply["text"] == CANCELLED_UPDATE_TEXT
    assert await _store(sandbox).get_registration(user.user_id) is not None
    assert await _store(sandbox).get_draft(user.user_id) is None


async def test_an_old_confirm_after_saving_says_it_is_saved(user: SandboxClient) -> None:
    review = await walk_to(user, Step.REVIEW)
    await press(user, review, Step.REVIEW, "confirm")
    assert await user.alert(review["message_id"], "reg:review:confirm") == ALREADY_SAVED_TEXT


async def test_an_faq_button_mid_way_answers_then_asks_the_step_again(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    await walk_to(user, Step.CITY)
    not_found = await user.ask("What colour is the sky on Mars?")
    assert not_found["text"] == NOT_FOUND_TEXT
    await user.next_bot_message()  # the city, asked again after the typed question
    # The fallback's "Reach a person" waits for the registration; the menu's FAQ buttons answer.
    assert "ho:start" in button_data(not_found)
    welcome = await user.ask("/start")
    await user.press(welcome["message_id"], "faq:privacy")
    answer = await user.next_bot_message()
    assert "city or municipality" not in answer["text"]
    again = await user.next_bot_message()
    assert "city or municipality" in again["text"]
    assert (await stored_draft(sandbox, user.user_id)).prompt_message_id == again["message_id"]
