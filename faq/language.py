"""Tell a question written in another language from English, typos and non-native grammar included.

A small hand-made test, measured in tests/test_faq_language.py: a question is foreign when most
of its letters are in another script, or when its common words (the little words every sentence
needs) are those of another language rather than English's. The word lists leave out every
word that is also English ("die", "was", "come", "no"), so an English question needs a foreign
word list to outweigh its own English ones, which place names and borrowed words never do.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _words(text: str) -> list[str]:
    return text.split()


_ENGLISH = frozenset(
    _words(
        """
    a about after all also am an and any are as at be been before but by can could did do does
    for from get had has have how i if in is it its just many may me more much must my need no
    not of on or our please should so some than that the their them then there these they this
    to until us was we what when where which who why will with would you your whats hi hello
    thanks wich wat whats hou whe wen cann shoud wil
    """
    )
)

# Function words and question words of the languages applicants are likely to write in.
_FOREIGN = (
    frozenset(
        _words(
            """
    wie kann ich mich wir uns ist unsere unser unserer sind gibt es für fur und oder der das den
    dem des ein eine einen nicht wann welche welcher können konnen möchte mochte hallo bitte
    auch noch schon bei mit nach über uber zum zur wo warum
    comment est ce que qui quelle quel quels quelles pour nous notre nos vous votre peut pouvons
    avec dans sur les une des du au aux sont sommes je voudrais bonjour merci combien quand où
    le la el de
    cómo como podemos qué cuál cuándo cuánto dónde quién para nuestra nuestro somos los las
    una del hola gracias puede pueden está están también pero
    jak czy nasze nasz nasza może można jest są dla się aby jaki jaka jakie kiedy gdzie dzień
    possiamo qual è il della dello delle degli nostro nostra anche può sono per buongiorno
    grazie quando dove chi perché
    hoe kunnen wij ons onze het een voor wat wanneer waar zijn niet ook als bij
    nossa nosso qual é o olá tem os às não também pode podemos
    hur vad är vi till och att för vår när var
    se můžeme náš naše jsme
    cum putem pentru acest este și sau
    kako možemo je li
    hogyan tudunk mi
    miten voimme
    hvordan om
    için nedir
    kuidas saame
    kā mēs varam
    """
        )
    )
    - _ENGLISH
)

_FOLDED_FOREIGN = frozenset(
    "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    for word in _FOREIGN
)


def foreign_function_words() -> frozenset[str]:
    """Other languages' little words (accents folded, lower case), none of them English."""
    return _FOLDED_FOREIGN


# More than this share of letters outside Latin script: another language.
OTHER_SCRIPT_SHARE = 0.5
# Letters that English words never carry count a little towards "foreign" (city names have them).
MARKED_LETTERS = frozenset("ąćęłńśźżñ¿¡ãõçœåæøőűășțčřůěšžėįųūļņģķ")
MARKED_WEIGHT = 0.5
MIN_WORDS = 2
# A sentence this long with an English word, or a clause with two, and no foreign sign, makes
# the message English ("Bonjour, je suis de la mairie, when is the deadline?").
ENGLISH_SENTENCE_WORDS = 3
ENGLISH_CLAUSE_WORDS = 2
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
_CLAUSE_END = re.compile(r"(?<=[.!?;:,])\s+|\n+")


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def is_not_english(text: str) -> bool:
    """Whether the question is written in a language other than English.

    A message that greets or names its town in its own language and asks in English ("Καλημέρα
    από τον Δήμο Θεσσαλονίκης. What does twinning cost?") is English: one English sentence
    or clause of ENGLISH_SENTENCE_WORDS words or more, two of them English, is enough.
    """
    if not _looks_foreign(text):
        return False
    sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
    clauses = [part for part in _CLAUSE_END.split(text) if part.strip()]
    if len(clauses) < 2:
        return True
    # A sentence needs one English word; a clause after a comma, two ("Danke, thank you").
    return not any(_is_english(part, 1) for part in sentences) and not any(
        _is_english(part, ENGLISH_CLAUSE_WORDS) for part in clauses
    )


def _is_english(part: str, english_words: int) -> bool:
    words = _WORD.findall(part)
    english = sum(1 for word in words if word.lower().replace("’", "'") in _ENGLISH)
    return (
        len(words) >= ENGLISH_SENTENCE_WORDS
        and english >= english_words
        and not _looks_foreign(part)
    )


def _looks_foreign(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    other_script = sum(1 for char in letters if not _is_latin(char))
    if other_script / len(letters) > OTHER_SCRIPT_SHARE:
        return True
    words = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
    english = sum(1 for word in words if word in _ENGLISH)
    foreign = float(sum(1 for word in words if word in _FOREIGN))
    foreign += MARKED_WEIGHT * sum(1 for char in text.lower() if char in MARKED_LETTERS)
    if "¿" in text or "¡" in text:
        foreign += 1
    # One word ("bonjour", "hallo") is a greeting the FAQ answers, not a question to refuse.
    return len(words) >= MIN_WORDS and foreign >= 1 and foreign > english
