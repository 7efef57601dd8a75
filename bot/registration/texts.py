"""What /register and /eligibility show: verdicts, summaries, the staff notice (HTML, escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.registration.answers import MAX_PLAUSIBLE_POPULATION, MIN_PLAUSIBLE_POPULATION
from bot.registration.steps import COMMITMENT_LABELS, SUMMARY_STATUS_LABELS, TOPICS, Step
from bot.storage.registrations import Registration, RegistrationDraft
from faq.countries import country_name, is_country_code
from faq.eligibility import WHERE_TO_CHECK, CityStatus, Commitment, Judgement, Verdict

VERDICT_HEADINGS = {
    Verdict.ELIGIBLE: "✅ <b>From your answers, your city looks eligible</b> for this call.",
    Verdict.UNCLEAR: "❓ <b>From your answers, I cannot tell for sure</b> whether your city "
    "can apply.",
    Verdict.NOT_ELIGIBLE: "From your answers, your city <b>does not seem eligible</b> for this "
    "call, because:",
}
TO_CHECK_HEADING = "<b>Please check</b> in the call guidelines:"
UPDATED_TEXT = "✅ <b>Your pre-registration is updated.</b>"
SUBSCRIBED_TEXT = (
    "I subscribed you to news and deadline reminders; stop them any time with /unsubscribe."
)
NOT_APPLICATION = (
    "Remember: this is <b>not an application</b>; applications follow the official call "
    'guidelines (ask me "how do I apply?").'
)


def country_label(code: str | None) -> str:
    """A country code as its English name (the code itself if unknown)."""
    if code is None:
        return "—"
    try:
        return country_name(code)
    except KeyError:
        return code


def and_joined(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _bullets(lines: Sequence[str]) -> list[str]:
    return [f"• {escape(line)}" for line in lines]


def country_list_line(day: date) -> str:
    """What the verdict says of the country list it used: its date, later than the call (HTML)."""
    return (
        f"<i>Horizon Europe Associated Countries as listed on {day.day} {day:%B %Y}, after the "
        "spring 2024 Cohort 2 call: the list changes over time.</i>"
    )


def verdict_text(judgement: Judgement) -> str:
    """The verdict and its reasons, any other unclear points, what to check and where (HTML)."""
    lines = [VERDICT_HEADINGS[judgement.verdict], *_bullets(judgement.reasons)]
    if judgement.country_list_day is not None:
        lines.append(country_list_line(judgement.country_list_day))
    if judgement.also_unclear:
        lines += ["<b>Also unclear:</b>", *_bullets(judgement.also_unclear)]
    if judgement.to_check:
        lines += [TO_CHECK_HEADING, *_bullets(judgement.to_check), WHERE_TO_CHECK]
    return "\n".join(lines)


def status_label(status: str | None) -> str:
    """A status as a summary shows it ("—" when not answered)."""
    return SUMMARY_STATUS_LABELS[CityStatus(status)] if status else "—"


def answer_echo(label: str, value: str) -> str:
    """The answer as understood, so a wrong one is seen at once: "Country: Belgium." (HTML)."""
    return f"{label}: <b>{escape(value)}</b>."


def thanks(city: str, *, new: bool) -> str:
    """What confirming says: a new registration subscribes to news, an update does not."""
    if new:
        return (
            f"✅ <b>Thank you: {escape(city)} is pre-registered.</b>\n{NOT_APPLICATION}\n"
            f"{SUBSCRIBED_TEXT} See your registration with /myregistration, erase it with "
            "/deletedata."
        )
    return (
        f"{UPDATED_TEXT}\n{NOT_APPLICATION}\n"
        "See it with /myregistration, erase it with /deletedata."
    )


def _population(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _topics(topics: tuple[str, ...]) -> str:
    return ", ".join(TOPICS.get(topic, topic) for topic in topics) or "none chosen"


def summary(record: Registration | RegistrationDraft) -> str:
    """Every answer of a registration or draft, one per line, values escaped."""
    status = status_label(record.status)
    commitment = COMMITMENT_LABELS[Commitment(record.commitment)] if record.commitment else "—"
    verdict: str = record.verdict or "—"
    if record.interest_only:
        verdict += " (registering interest only)"
    rows = [
        ("City", escape(record.city or "—")),
        ("Country", escape(country_label(record.country))),
        ("Status", status),
        ("Commitment to climate neutrality by 2050", commitment),
        ("Eligibility", verdict),
        ("Population", _population(record.population)),
        ("Contact", escape(record.contact_name or "—")),
        ("Role", escape(record.contact_role or "—")),
        ("Work email", escape(record.email or "—")),
        ("Topics", escape(_topics(record.topics))),
    ]
    return "\n".join(f"<b>{label}:</b> {value}" for label, value in rows)


def staff_notice(registration: Registration, *, updated: bool, possible_duplicate: bool) -> str:
    """The staff chat's notice of a confirmed registration, with its flags."""
    heading = "Pre-registration updated" if updated else "New pre-registration"
    flags = []
    if registration.interest_only:
        flags.append("⚠️ interest only: not eligible from its answers")
    if possible_duplicate:
        flags.append("⚠️ possible duplicate: someone else registered this city too")
    lines = [f"<b>{heading}</b> (user {registration.user_id})", *flags, summary(registration)]
    return "\n".join(lines)


def unknown_country(text: str, suggestions: Sequence[str]) -> str:
    """The sentence for a typed country that matched none (the name escaped)."""
    shown = escape(text.strip()[:40])
    if suggestions:
        return f"I don't know the country “{shown}”. Did you mean one of these? Or type it again."
    return f"I don't know the country “{shown}”; please check the spelling, or type it in English."


def population_doubt(population: int) -> str:
    """The question asked back about an unlikely population (HTML)."""
    if population < MIN_PLAUSIBLE_POPULATION:
        why = f"few municipalities have under {MIN_PLAUSIBLE_POPULATION:,} inhabitants"
    else:
        why = f"no city has over {MAX_PLAUSIBLE_POPULATION // 1_000_000} million inhabitants"
    return (
        f"Did you mean <b>{population:,}</b> people? I ask because {why}; press Yes if it is "
        "right, or type the number again."
    )


def pressed_answer(draft: RegistrationDraft, step: str, action: str) -> str | None:
    """What a pressed answer button chose, kept under its prompt once its buttons go (HTML);
    None for a press that answers nothing (Back, an Edit of the review)."""
    if step not in {s.value for s in Step}:
        return None
    chosen = {
        (Step.CONSENT, "agree"): "I agree",
        (Step.VERDICT, "interest"): "Register our interest anyway",
        (Step.VERDICT, "stop"): "Stop here",
    }.get((Step(step), action))
    if step == Step.COUNTRY and is_country_code(action):
        chosen = f"Country: {escape(country_label(action))}"
    elif step == Step.STATUS and action in {s.value for s in CityStatus}:
        chosen = f"Status: {status_label(action)}"
    elif step == Step.COMMITMENT and action in {c.value for c in Commitment}:
        chosen = f"Commitment: {COMMITMENT_LABELS[Commitment(action)]}"
    elif step == Step.TOPICS and action == "done":
        chosen = f"Topics: {escape(_topics(draft.topics))}"
    elif step == Step.POPULATION and action == "sure" and draft.population is not None:
        chosen = f"Population: {draft.population:,}"
    return None if chosen is None else f"✓ {chosen}"
