"""Out of scope: other EU programmes and awards a question names (unless it names ours too), and
requests for work the bot cannot do (write, translate, review a document)."""

from __future__ import annotations

import re

# A question about one of these and not about the Twin Cities call ("Is the Interreg Europe call
# open?") shares words like "call", "deadline" and "apply" with our entries and would be answered
# confidently about the wrong programme. Names the facts use for our own call (Horizon Europe, its
# associated countries, the Covenant of Mayors a city may have signed) are not listed alone: a city
# asks about those in our context. Each name was checked against the programme's own pages.
_OTHER_PROGRAMMES: tuple[tuple[str, str], ...] = (
    (r"interreg", "Interreg"),
    (r"urbact", "URBACT"),
    (r"european urban initiative|urban innovative actions", "the European Urban Initiative"),
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
    (r"cohesion fund|cohesion policy funds?", "the Cohesion Fund"),
    (r"just transition fund", "the Just Transition Fund"),
    (r"connecting europe facility", "the Connecting Europe Facility"),
    (r"creative europe", "Creative Europe"),
    (r"digital europe (?:programme|program|call|funding|grants?)", "the Digital Europe Programme"),
    (
        r"european local energy assistance|elena (?:facility|grants?|technical assistance|support)",
        "ELENA, the European Investment Bank's local energy assistance",
    ),
    (
        r"european investment bank|eib (?:loans?|financing|funding|credit)",
        "the European Investment Bank",
    ),
    (r"marie curie|marie sk\w+ curie", "Marie Skłodowska-Curie research grants"),
    (
        r"european research council|erc (?:grants?|starting|consolidator|advanced)",
        "the European Research Council's grants",
    ),
    (
        r"european innovation council|eic (?:accelerator|pathfinder|transition)",
        "the European Innovation Council",
    ),
    (r"recovery and resilience (?:facility|plans?)", "the Recovery and Resilience Facility"),
    (r"moderni[sz]ation fund", "the Modernisation Fund"),
    (r"deep demonstrations?", "EIT Climate-KIC's Deep Demonstrations"),
    (r"c40(?: cities)?", "C40 Cities"),
    (r"mayors challenge", "Bloomberg Philanthropies' Mayors Challenge"),
    (r"submit\w* (?:\w+ ){0,3}to the covenant of mayors", "the Covenant of Mayors"),
    # Our words in another sense: a language course, a city's status under national law.
    (
        r"(?:english|language) (?:courses?|class(?:es)?|lessons?|schools?|teachers?|tutors?)"
        r"|learn(?:ing)? english",
        "English courses",
    ),
    (r"under (?:\w+ )?law|(?:national|municipal) law", "national law"),
    # Horizon Europe's other calls (our call is funded by it, so its name alone is ours).
    (
        r"horizon europe (?:cluster|work programme|research (?:project|proposal)s?)"
        r"|cluster [1-6] (?:call|topic|destination)s?",
        "other Horizon Europe calls",
    ),
    # The other four EU Missions (ours is the Mission for Climate-Neutral and Smart Cities).
    (r"(?:eu )?mission (?:on )?cancer|cancer mission|beating cancer", "the EU Mission on Cancer"),
    (
        r"mission (?:on )?(?:climate )?adaptation|(?:climate )?adaptation mission"
        r"|mission adaptation to climate change",
        "the EU Mission Adaptation to Climate Change",
    ),
    (
        r"restore our oceans? and waters|(?:oceans?|waters?) mission"
        r"|mission (?:on )?(?:our )?oceans?|mission starfish",
        "the EU Mission Restore our Ocean and Waters",
    ),
    (r"soil deal|soil mission|mission (?:on )?soils?", "the EU Mission A Soil Deal for Europe"),
    (
        r"intelligent cit(?:y|ies) challenge|digital cities challenge",
        "the Intelligent Cities Challenge",
    ),
    (r"smart cit(?:y|ies) marketplace", "the Smart Cities Marketplace"),
    (r"(?:new )?european bauhaus", "the New European Bauhaus"),
    (r"driving urban transitions", "the Driving Urban Transitions Partnership"),
    # The Covenant itself (joining it, its plans and reports), not a city saying it signed it.
    (
        r"(?:join|sign|signing|become (?:a )?signator(?:y|ies) (?:of|to))"
        r" (?:the )?covenant of mayors"
        r"|covenant of mayors (?:reporting|report|template|office|membership|platform)",
        "the Covenant of Mayors",
    ),
)
# Capitals only: "life" and "eib" in lower case are ordinary words or typos more often.
_ACRONYMS: tuple[tuple[str, str], ...] = (
    (r"LIFE", "the LIFE programme"),
    (r"RRF", "the Recovery and Resilience Facility"),
    (r"EUI", "the European Urban Initiative"),
    # ELENA first: "ELENA technical assistance from the EIB" is about ELENA.
    (r"ELENA", "ELENA, the European Investment Bank's local energy assistance"),
    (r"EIB", "the European Investment Bank"),
    (r"CEF", "the Connecting Europe Facility"),
    (r"ICC", "the Intelligent Cities Challenge"),
    (r"NEB", "the New European Bauhaus"),
    (r"ERC", "the European Research Council's grants"),
    (r"EIC", "the European Innovation Council"),
    (r"DUT", "the Driving Urban Transitions Partnership"),
)
# Named even beside our words: "twinning" is ours too, but the citizens' town-twinning grants of
# CERV (formerly Europe for Citizens) are another scheme altogether, and so are Horizon Europe's
# Widening actions (whose "Twinning" pairs research institutions).
_OTHER_TWINNING = tuple(
    (re.compile(pattern, re.IGNORECASE), name)
    for pattern, name in (
        (
            r"\bcerv\b|citizens,? equality,? rights,? and values|\beurope for citizens\b"
            r"|\bcitizens'? town[- ]twinning|\btown[- ]twinning (?:grants?|call|projects?|funding)"
            r" (?:of|under|from|by) (?:the )?(?:eu|european union|commission)\b",
            "CERV's town twinning for citizens",
        ),
        (
            r"\bwidening (?:calls?|actions?|twinning|participation)|\bwidera\b"
            r"|\btwinning (?:for|of|between) research (?:institutions|organi[sz]ations)",
            "Horizon Europe's Widening actions",
        ),
    )
)
_PATTERNS = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), name) for pattern, name in _OTHER_PROGRAMMES
) + tuple((re.compile(rf"\b(?:{pattern})\b"), name) for pattern, name in _ACRONYMS)
_OURS = re.compile(
    r"\btwin|\bpilot\b|net\s*zero\s*cities|\bnzc\b|cities\s+mission|mission\s+cit|\bcohort",
    re.IGNORECASE,
)


# What a city has done before ("we took part in a LIFE project", "we were European Green
# Capital in 2018", "experience in URBACT networks") is its background, not what it asks about.
_BACKGROUND = re.compile(
    r"\b(?:took part|participated|participating|experience|experienced|completed|finished|joined"
    r"|were|was|have been|has been|had|received|won|member|members|partner|partners|veteran)\b"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)


def other_programme(question: str) -> str | None:
    """The other programme a question is about, or None when it names none (or also ours)."""
    for pattern, name in _OTHER_TWINNING:
        if pattern.search(question):
            return name
    if _OURS.search(question):
        return None
    for pattern, name in _PATTERNS:
        if any(not _in_background(question, found) for found in pattern.finditer(question)):
            return name
    return None


def _in_background(question: str, found: re.Match[str]) -> bool:
    """Whether a named programme is told as the city's past, in a message that asks something
    else in another sentence."""
    sentence_start = max(question.rfind(mark, 0, found.start()) for mark in ".!?\n") + 1
    if not _BACKGROUND.search(question[sentence_start : found.start()]):
        return False
    ends = [i for i in (question.find(mark, found.end()) for mark in ".!?\n") if i >= 0]
    if not ends or question[min(ends)] == "?":
        return False  # the sentence that names it is the one that asks
    rest = question[min(ends) + 1 :]
    return "?" in rest or len(rest.split()) >= 8


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
