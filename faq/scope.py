"""Out of scope: other EU programmes and awards a question names (unless it names ours too), and
requests for work the bot cannot do (write, translate, review a document)."""

from __future__ import annotations

import re

# A question about one of these and not about the Twin Cities call ("Is the Interreg Europe call
# open?") shares words like "call", "deadline" and "apply" with our entries and would be answered
# confidently about the wrong programme. Names the facts use for our own call (Horizon Europe,
# the Covenant of Mayors a city may have signed) are not listed: a city asks about those in our
# context.
_OTHER_PROGRAMMES: tuple[tuple[str, str], ...] = (
    (r"interreg", "Interreg"),
    (r"urbact", "URBACT"),
    (r"european urban initiative", "the European Urban Initiative"),
    (r"life (?:programme|program|call|grants?|projects?|funding)", "the LIFE programme"),
    (r"erasmus", "Erasmus+"),
    (r"green capital|green leaf", "the European Green Capital and Green Leaf awards"),
    (r"capital of culture", "the European Capital of Culture"),
    (r"capital of innovation|icapital", "the European Capital of Innovation"),
    (r"green city accord", "the Green City Accord"),
    (r"civitas", "CIVITAS"),
    (r"eurocities", "Eurocities"),
    (r"iclei", "ICLEI"),
    (r"regional development fund|erdf", "the European Regional Development Fund"),
    (r"cohesion fund", "the Cohesion Fund"),
    (r"just transition fund", "the Just Transition Fund"),
    (r"connecting europe facility", "the Connecting Europe Facility"),
    (r"creative europe", "Creative Europe"),
    (r"digital europe programme", "the Digital Europe Programme"),
    (r"european investment bank", "the European Investment Bank"),
    (r"marie curie|marie sk\w+ curie", "Marie Skłodowska-Curie research grants"),
)
# Capitals only: "life" and "eib" in lower case are ordinary words or typos more often.
_ACRONYMS: tuple[tuple[str, str], ...] = (
    (r"LIFE", "the LIFE programme"),
    (r"EUI", "the European Urban Initiative"),
    (r"EIB|ELENA", "the European Investment Bank"),
)
_PATTERNS = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), name) for pattern, name in _OTHER_PROGRAMMES
) + tuple((re.compile(rf"\b(?:{pattern})\b"), name) for pattern, name in _ACRONYMS)
_OURS = re.compile(
    r"\btwin|\bpilot\b|net\s*zero\s*cities|\bnzc\b|cities\s+mission|mission\s+cit|\bcohort",
    re.IGNORECASE,
)


def other_programme(question: str) -> str | None:
    """The other programme a question is about, or None when it names none (or also ours)."""
    if _OURS.search(question):
        return None
    for pattern, name in _PATTERNS:
        if pattern.search(question):
            return name
    return None


# "Can you write our climate plan", "could you translate this": work, not a question. Such a
# message shares words with entries (plan, language, application) and was answered with them.
# "Check", "tell", "send" and "register" are left out: the bot does check eligibility, tell
# dates, send news and take pre-registrations.
_TASK_VERBS = (
    r"write|draft|translate|fill\s+(?:in|out)|prepare|proofread|correct|review|make|create"
    r"|design|calculate"
)
_TASK_REQUEST = re.compile(
    rf"\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:help\s+(?:me|us)\s+(?:to\s+)?)?"
    rf"(?:{_TASK_VERBS})\b"
    rf"|\b(?:please|pls)\s+(?:{_TASK_VERBS})\b"
    rf"|\bhelp\s+(?:me|us)\s+(?:to\s+)?(?:{_TASK_VERBS})\b"
    # An order at the start of a sentence, followed by what to work on: "translate this for us".
    rf"|(?:^|[.!?]\s+)(?:{_TASK_VERBS})\s+(?:this|these|that|it|our|my|the|a|an|me|us)\b",
    re.IGNORECASE,
)


def asks_for_work(question: str) -> bool:
    """Whether a message asks the bot to write, translate or review something, not about ours.

    A request about our call ("help us write our application for the twin cities call") is
    left to the matcher: how to apply is the useful answer there.
    """
    return _OURS.search(question) is None and _TASK_REQUEST.search(question) is not None
