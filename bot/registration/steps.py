"""The /register steps: their order, questions, choices and what answering one leads to."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.storage.registrations import Registration, RegistrationDraft
from faq.countries import is_country_code
from faq.eligibility import (
    CityStatus,
    Commitment,
    EligibilityRules,
    Judgement,
    Verdict,
    judge,
)

IDLE_LIMIT = timedelta(hours=24)


class Step(StrEnum):
    """A step of /register; also the ConversationHandler state and the draft's `step`."""

    CONSENT = "consent"
    CITY = "city"
    COUNTRY = "country"
    STATUS = "status"
    COMMITMENT = "commitment"
    VERDICT = "verdict"
    POPULATION = "population"
    CONTACT_NAME = "contact_name"
    CONTACT_ROLE = "contact_role"
    EMAIL = "email"
    TOPICS = "topics"
    REVIEW = "review"


ORDER = tuple(Step)
# Back from population skips the verdict, which is a step only for cities found not eligible.
PREVIOUS = {
    Step.CITY: Step.CONSENT,
    Step.COUNTRY: Step.CITY,
    Step.STATUS: Step.COUNTRY,
    Step.COMMITMENT: Step.STATUS,
    Step.VERDICT: Step.COMMITMENT,
    Step.POPULATION: Step.COMMITMENT,
    Step.CONTACT_NAME: Step.POPULATION,
    Step.CONTACT_ROLE: Step.CONTACT_NAME,
    Step.EMAIL: Step.CONTACT_ROLE,
    Step.TOPICS: Step.EMAIL,
    Step.REVIEW: Step.TOPICS,
}
# The steps whose answers change the verdict.
ELIGIBILITY_STEPS = frozenset({Step.COUNTRY, Step.STATUS, Step.COMMITMENT})

QUESTIONS = {
    Step.CITY: "What is the name of your <b>city or municipality</b>?",
    Step.COUNTRY: "In which <b>country</b> is it? Choose one, or type its name.",
    Step.STATUS: "Is your city <b>already part</b> of the EU Cities Mission? Choose one.",
    Step.COMMITMENT: (
        "Can your city show a <b>commitment to climate neutrality by 2050</b> at the latest?"
    ),
    Step.POPULATION: "About how many people <b>live</b> in your city? (for example 120,000)",
    Step.CONTACT_NAME: "What is the <b>name of the contact person</b>?",
    Step.CONTACT_ROLE: "What is their <b>role or position</b>? (for example climate officer)",
    Step.EMAIL: "What is their <b>work email</b> address?",
    Step.TOPICS: (
        "Which <b>topics</b> interest your city most? Press to select or unselect, then Done."
    ),
}

WHY = {
    Step.CONSENT: "I ask before keeping anything, so you know what is kept, why and how to "
    "erase it.",
    Step.CITY: "So the people running this bot know which city is interested; only they see it.",
    Step.COUNTRY: "The call is open to cities in some countries only; only the bot's operators "
    "see your answer.",
    Step.STATUS: "Mission, Pilot and Twin Cities cannot apply to this call; only the bot's "
    "operators see your answer.",
    Step.COMMITMENT: "Applicants must show a commitment to climate neutrality by 2050; only the "
    "bot's operators see your answer.",
    Step.VERDICT: "Cities that cannot apply now may still want news of later calls; only the "
    "bot's operators see your answer.",
    Step.POPULATION: "It helps the people running this bot see what kind of city is interested; "
    "only they see it.",
    Step.CONTACT_NAME: "So the people running this bot know whom to follow up with; only they "
    "see it.",
    Step.CONTACT_ROLE: "It tells the people running this bot who in the city is involved; only "
    "they see it.",
    Step.EMAIL: "So the people running this bot can follow up with you; only they see it, and "
    "it is never shown to other cities.",
    Step.TOPICS: "It helps the people running this bot send you what matters to you; only they "
    "see it.",
    Step.REVIEW: "So you can check every answer before anything is saved as your registration.",
}

STATUS_LABELS = {
    CityStatus.MISSION_CITY: "Mission City",
    CityStatus.PILOT_CITY: "Pilot City",
    CityStatus.TWIN_CITY: "Already a Twin City",
    CityStatus.APPLIED_BEFORE: "Applied before, not selected",
    CityStatus.NONE: "None of these",
}
# How a status reads in a summary, where "None of these" has no list above it.
SUMMARY_STATUS_LABELS = {
    **STATUS_LABELS,
    CityStatus.NONE: "none of the above (not a Mission, Pilot or Twin City)",
}
COMMITMENT_LABELS = {
    Commitment.YES: "Yes",
    Commitment.NO: "No",
    Commitment.NOT_SURE: "Not sure",
}
TOPICS = {
    "mobility": "Mobility",
    "buildings": "Buildings and energy",
    "green": "Green spaces",
    "waste": "Waste and circularity",
    "governance": "Governance",
    "finance": "Finance",
    "citizens": "Citizen engagement",
}
# The countries offered as buttons; any other is typed.
COMMON_COUNTRIES = ("ES", "IT", "FR", "DE", "PL", "PT", "NL", "GB")
# The fields the review offers to edit, with the step that asks each.
EDITABLE = {
    "city": Step.CITY,
    "country": Step.COUNTRY,
    "status": Step.STATUS,
    "commitment": Step.COMMITMENT,
    "population": Step.POPULATION,
    "contact_name": Step.CONTACT_NAME,
    "contact_role": Step.CONTACT_ROLE,
    "email": Step.EMAIL,
    "topics": Step.TOPICS,
}
EDIT_LABELS = {
    "city": "City",
    "country": "Country",
    "status": "Status",
    "commitment": "Commitment",
    "population": "Population",
    "contact_name": "Name",
    "contact_role": "Role",
    "email": "Email",
    "topics": "Topics",
}


def is_idle(last_activity: datetime, now: datetime) -> bool:
    """Whether a draft last touched at `last_activity` is past the idle limit at `now`."""
    return now - last_activity > IDLE_LIMIT


def new_draft(user_id: int, now: datetime) -> RegistrationDraft:
    """An empty draft at the consent step."""
    return RegistrationDraft(user_id=user_id, step=Step.CONSENT, started_at=now, last_activity=now)


def draft_from_check(
    user_id: int, now: datetime, answers: tuple[str, str, str], rules: EligibilityRules | None
) -> RegistrationDraft:
    """A new draft holding an /eligibility check's country, status and commitment, judged;
    the answers as a button carried them (a bad one is not carried: that step is asked)."""
    country, status, commitment = answers
    fields: dict[str, Any] = {}
    if is_country_code(country):
        fields["country"] = country
    if status in {s.value for s in CityStatus}:
        fields["status"] = status
    if commitment in {c.value for c in Commitment}:
        fields["commitment"] = commitment
    draft = changed(new_draft(user_id, now), **fields)
    judgement = judge_draft(rules, draft)
    if judgement is None:
        return draft
    return changed(with_verdict(draft, judgement), from_check=True)


def changed(draft: RegistrationDraft, **changes: Any) -> RegistrationDraft:
    """The draft with these fields changed, validated again."""
    return RegistrationDraft.model_validate({**draft.model_dump(), **changes})


def judge_answers(
    rules: EligibilityRules | None, country: str, status: CityStatus, commitment: Commitment
) -> Judgement:
    """The verdict on these answers; unclear, saying why, while the FAQ has no rules."""
    if rules is None:
        return Judgement(
            Verdict.UNCLEAR,
            ("The eligibility rules are missing from the FAQ just now.",),
            ("the criteria (ask me with /faq)",),
        )
    return judge(rules, country, status, commitment)


def judge_draft(rules: EligibilityRules | None, draft: RegistrationDraft) -> Judgement | None:
    """The verdict on the draft's country, status and commitment; None until all three are set."""
    if draft.country is None or draft.status is None or draft.commitment is None:
        return None
    return judge_answers(
        rules, draft.country, CityStatus(draft.status), Commitment(draft.commitment)
    )


def step_after(draft: RegistrationDraft, answered: Step) -> Step:
    """The step that follows answering `answered` (the draft already holds the answer).

    Answers carried over from an /eligibility check are not asked again: the city is followed
    by what follows the commitment (the draft holds the verdict on them)."""
    if answered is Step.CITY and draft.from_check and not draft.reviewing:
        answered = Step.COMMITMENT
    judged = answered in ELIGIBILITY_STEPS and (draft.reviewing or answered is Step.COMMITMENT)
    if judged and draft.verdict == Verdict.NOT_ELIGIBLE.value and not draft.interest_only:
        return Step.VERDICT
    if draft.reviewing:
        return Step.REVIEW
    if answered is Step.COMMITMENT:
        return Step.POPULATION
    return ORDER[ORDER.index(answered) + 1]


def step_before(draft: RegistrationDraft, step: Step) -> Step | None:
    """Where Back leads from `step`: the review while editing from it, else the step before
    (the city, past the answers carried over from an /eligibility check)."""
    if draft.reviewing and step is not Step.REVIEW:
        return Step.REVIEW
    if draft.from_check and step in (Step.VERDICT, Step.POPULATION):
        return Step.CITY
    return PREVIOUS.get(step)


def with_verdict(draft: RegistrationDraft, judgement: Judgement | None) -> RegistrationDraft:
    """The draft with the verdict recorded; a city found eligible is no longer interest-only."""
    if judgement is None:
        return changed(draft, verdict=None)
    interest_only = draft.interest_only and judgement.verdict is Verdict.NOT_ELIGIBLE
    return changed(draft, verdict=judgement.verdict.value, interest_only=interest_only)


def toggled(topics: tuple[str, ...], topic: str) -> tuple[str, ...]:
    """The topics with `topic` added or removed, in the order of TOPICS."""
    chosen = set(topics) ^ {topic}
    return tuple(key for key in TOPICS if key in chosen)


def draft_of(registration: Registration, now: datetime) -> RegistrationDraft:
    """A draft for updating a saved registration: every field filled, straight to the review."""
    kept = registration.model_dump(exclude={"registered_at", "updated_at", "confirmation_pending"})
    return RegistrationDraft.model_validate(
        {
            **kept,
            "step": Step.REVIEW,
            "started_at": now,
            "last_activity": now,
            "reviewing": True,
            "updating": True,
        }
    )


def registration_of(
    draft: RegistrationDraft, previous: Registration | None, now: datetime
) -> Registration:
    """The registration a confirmed draft becomes, marked not yet confirmed to the person; an
    update keeps the first registration time."""
    fields = draft.model_dump(
        exclude={
            "step",
            "started_at",
            "last_activity",
            "reviewing",
            "updating",
            "from_check",
            "prompt_message_id",
        }
    )
    registered_at = previous.registered_at if previous and previous.registered_at else now
    return Registration.model_validate(
        {
            **fields,
            "registered_at": registered_at,
            "updated_at": now,
            "confirmation_pending": "new" if previous is None else "update",
        }
    )


def missing_fields(draft: RegistrationDraft) -> list[str]:
    """The required fields the draft lacks (a review is reachable only when none are)."""
    required = (
        "city",
        "country",
        "status",
        "commitment",
        "population",
        "contact_name",
        "contact_role",
        "email",
        "consented_at",
    )
    return [name for name in required if getattr(draft, name) is None]
