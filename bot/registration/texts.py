"""What /register and /eligibility show: verdicts, summaries, the staff notice (HTML, escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.registration.steps import COMMITMENT_LABELS, STATUS_LABELS, TOPICS
from bot.storage.registrations import Registration, RegistrationDraft
from faq.countries import country_name
from faq.eligibility import CityStatus, Commitment, Judgement, Verdict

VERDICT_HEADINGS = {
    Verdict.ELIGIBLE: "✅ <b>From your answers, your city looks eligible</b> for this call.",
    Verdict.UNCLEAR: "❓ <b>From your answers, I cannot tell for sure</b> whether your city "
    "can apply.",
    Verdict.NOT_ELIGIBLE: "From your answers, your city <b>does not seem eligible</b> for this "
    "call, I am sorry.",
}


def country_label(code: str | None) -> str:
    """A country code as its English name (the code itself if unknown)."""
    if code is None:
        return "—"
    try:
        return country_name(code)
    except KeyError:
        return code


def verdict_text(judgement: Judgement) -> str:
    """The verdict, its reasons and what to check, as HTML."""
    lines = [VERDICT_HEADINGS[judgement.verdict]]
    lines += [f"• {escape(reason)}" for reason in judgement.reasons]
    if judgement.to_check:
        lines.append(f"<b>To check:</b> {escape(judgement.to_check)}")
    return "\n".join(lines)


def _population(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _topics(topics: tuple[str, ...]) -> str:
    return ", ".join(TOPICS.get(topic, topic) for topic in topics) or "none chosen"


def summary(record: Registration | RegistrationDraft) -> str:
    """Every answer of a registration or draft, one per line, values escaped."""
    status = STATUS_LABELS[CityStatus(record.status)] if record.status else "—"
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
