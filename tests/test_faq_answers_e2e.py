"""End to end through the sandbox: questions as people who never saw the FAQ write them (issue
17, kinds 1-3): a long pasted email, a typo in the key word, English with a few words of the
writer's language. None of these questions is in any question set."""

from __future__ import annotations

import pytest

from handlers import callback_data as data
from handlers.faq import NOT_FOUND_TEXT
from tests.sandbox_client import SandboxClient, button_data

LONG_EMAIL = (
    "Good afternoon,\n\n"
    "I am a project officer at the municipality of Trnava in Slovakia (65,000 inhabitants). "
    "Our council adopted a climate strategy last autumn and the mayor is keen on European "
    "cooperation.\n\n"
    "I need to prepare a short note for him: how many hours per month would our staff have to "
    "put into the twinning programme?\n\n"
    "With best regards,\nPeter Horváth\nTrnava City Office"
)
# The question as one sentence without "?" between a description of the city and a signature.
SABAC = (
    "Hello,\n\nMy name is Ana and I work for the city of Šabac (Serbia, about 50,000 people). "
    "We finished our sustainable energy plan in 2022 and our mayor signed a climate pledge.\n\n"
    "We would like to know the last day to send our application.\n\n"
    "Thank you and best regards,\nAna Petrović\nCity of Šabac"
)
SMALL_TOWN = (
    "Hi,\nwe are a small municipality near Tartu with 8,000 people and a lot of forests. Our "
    "development plan runs until 2035.\nI'd like to understand if a town our size can take "
    "part.\nThanks,\nMarek"
)
# Asked without a question mark or a leading question word, between context and a signature.
LONG_EMAIL_NO_MARK = (
    "Dear team,\n\nwe are a town of 20,000 people in Estonia with a small climate unit and a "
    "new energy plan.\n\nKindly tell us the date when the selection results come out.\n\n"
    "Best regards,\nKadri"
)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        (LONG_EMAIL, "time-commitment"),
        (SABAC, "deadline"),
        (SMALL_TOWN, "city-size"),
        (LONG_EMAIL_NO_MARK, "selection-results"),
        # A typo in the one word that matters.
        ("how much does it cots to particpate", "costs-covered"),
        ("when is the dedlin to aply", "deadline"),
        ("is our munisipality eligable", "eligibility"),
        ("helo, is our twon elegible for the twining?", "eligibility"),
        ("helo, is our town elegible for the twin citys programm?", "eligibility"),
        # English with a few words of the writer's language.
        ("Buenos días, how long is the duración of the programme?", "duration"),
        ("Hallo, how much are the kosten for our city?", "costs-covered"),
        ("Dzień dobry, which level of angielski do we need?", "language"),
    ],
)
async def test_questions_in_their_own_words_get_the_right_entry_within_one_tap(
    user: SandboxClient, question: str, entry_id: str
) -> None:
    reply = await user.ask(question)
    assert reply["text"] != NOT_FOUND_TEXT
    if reply["text"].startswith("Did you mean"):
        # "Did you mean" offers it first.
        assert button_data(reply)[0] == data.faq_entry(entry_id), reply
    else:
        assert reply["text"].startswith(ANSWER_STARTS[entry_id]), reply["text"]


ANSWER_STARTS = {
    "time-commitment": "Plan for at least 12 hours per month",
    "deadline": "Deadline of the",
    "city-size": "No minimum population",
    "selection-results": "The selection of Cohort 2 Twin Cities",
    "costs-covered": "No source shows a grant",
    "eligibility": "A city can apply to the Cohort 2 call",
    "duration": "Sources differ",
    "language": "The call asks for English",
}


async def test_the_clearest_of_them_are_answered_outright(user: SandboxClient) -> None:
    for question, entry_id in (
        (LONG_EMAIL, "time-commitment"),
        (SABAC, "deadline"),
        ("how much does it cots to particpate", "costs-covered"),
        ("Hallo, how much are the kosten for our city?", "costs-covered"),
        ("Buenos días, how long is the duración of the programme?", "duration"),
    ):
        reply = await user.ask(question)
        assert reply["text"].startswith(ANSWER_STARTS[entry_id]), (question, reply["text"])
