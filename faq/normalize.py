"""Text normalisation for matching: accents, case, apostrophes, contractions, stems, synonyms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _words(text: str) -> list[str]:
    return text.split()


_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u00b4`\u2032\uff07"})

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bwon't\b", "will not"),
        (r"\bcan't\b", "can not"),
        (r"\bshan't\b", "shall not"),
        (r"\blet's\b", "let us"),
        (r"n't\b", " not"),
        (r"'re\b", " are"),
        (r"'ve\b", " have"),
        (r"'ll\b", " will"),
        (r"'m\b", " am"),
        (r"'d\b", " would"),
        (r"\b(it|what|that|there|where|when|who|how|here|he|she)'s\b", r"\1 is"),
        (r"'s\b", ""),
    )
)

_TAKE_PART = re.compile(r"\b(?:take|takes|took|taking|taken) part\b")
_AGAIN_PREFIX = re.compile(r"\bre[- ]?(apply|submit|join|register|participate|enter)\b")

# Contractions typed without the apostrophe.
_BARE_CONTRACTIONS = {
    "whats": "what is",
    "wheres": "where is",
    "whens": "when is",
    "whos": "who is",
    "hows": "how is",
    "thats": "that is",
    "theres": "there is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "wanna": "want to",
    "gonna": "going to",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thanks",
    "u": "you",
    "ur": "your",
    "r": "are",
    # Question words typed in a hurry: too short or too common for the fuzzy lookup to fix.
    "wen": "when",
    "whn": "when",
    "wat": "what",
    "wht": "what",
    "wut": "what",
    "wich": "which",
    "whitch": "which",
    "wher": "where",
    "whr": "where",
    "hw": "how",
}

# Letters that NFKD does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LONG_RUN = re.compile(r"([a-z])\1{2,}")

STOPWORDS = frozenset(
    _words(
        """
    a an the and or but if then so of to in on at by for from with about as into onto over
    under than too very just also still yet already even only really quite some any each
    every all both either neither no nor not this that these those there here it its itself
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him
    his she her hers they them their theirs one ones someone something anything
    is am are was were be been being do does did doing done have has had having
    will would shall should can could may might must
    get got getting know knows tell telling say said let need needs want wants wanted
    like please kindly possible possibly exactly actually currently generally
    question questions ask asking wonder wondering regarding concerning re
    okay ok um uh well hmm lot lots
    thing things stuff kind kinds type types sort matter matters problem issue
    basically shortly briefly simply short quick quickly somebody anybody else
    everything nothing more out
    become becomes becoming became
    whether understand understood clarify confirm correct right true look looks looking seem
    seems meet meets fulfil fulfill fulfils satisfy basic
    take takes took taking taken real actual
    """
    )
)

# Greetings and politeness: kept (the chit-chat entries are made of them) but light.
FILLER_WORDS = frozenset(
    _words(
        """
    hi hello hey hiya heya hallo bonjour hola ciao salut greetings dear good morning afternoon
    evening day thanks thank thankyou cheers appreciate great awesome nice perfect cool bot
    sir madam bye goodbye wonderful excellent super fantastic brilliant helpful
    regards sincerely faithfully wishes
    buongiorno buonasera salve guten tag morgen gruss grusse gruesse freundlichen herzliche
    dobry dobre den dzien ahoj zdravo bok pozdrav pozdrawiam pozdravy szia hej hei moi tere
    labas sveiki goedemorgen goedendag goedemiddag buenos buenas dias saludos saluti cordiali
    distinti cordialement bom boa obrigado obrigada merci grazie danke gracias dziekuje dekuji
    dakujem bedankt tack kiitos hvala multumesc koszonom aitah paldies aciu
    """
    )
)

# Words that describe who is asking or where from: unknown to the FAQ but no sign of another topic.
CONTEXT_WORDS = frozenset(
    _words(
        """
    officer manager coordinator team colleague colleagues boss deputy director councillor
    councilor alderman advisor adviser consultant assistant secretary chief intern
    representing behalf sorry wondering curious confused writing hope hoping interested
    mayor office department unit staffer employee election elections
    january february march april june july august september october november december
    """
    )
)

# European place names people write when introducing themselves; they name no topic.
PLACE_NAMES = frozenset(
    _words(
        """
    amsterdam rotterdam utrecht eindhoven groningen amersfoort haarlem leiden tilburg breda
    antwerp antwerpen ghent gent brussels bruxelles liege leuven bruges charleroi
    paris lyon marseille toulouse nice nantes strasbourg bordeaux lille rennes grenoble
    montpellier dijon angers brest nancy metz rouen reims
    berlin hamburg munich munchen cologne koln frankfurt stuttgart dusseldorf dortmund essen
    leipzig bremen dresden hannover nuremberg nurnberg aachen heidelberg mannheim freiburg
    munster bonn karlsruhe augsburg wiesbaden kiel rostock potsdam
    vienna wien graz linz salzburg innsbruck klagenfurt
    zurich geneva basel bern lausanne
    rome roma milan milano naples napoli turin torino florence firenze bologna genoa genova
    venice venezia verona padua padova parma bergamo bari palermo catania trieste prato
    madrid barcelona valencia seville sevilla zaragoza malaga bilbao vitoria gasteiz murcia
    valladolid vigo gijon cordoba alicante granada pamplona fuenlabrada getafe palma
    lisbon lisboa porto braga coimbra guimaraes aveiro funchal faro evora
    dublin cork limerick galway waterford
    london manchester birmingham liverpool leeds bristol glasgow edinburgh cardiff belfast
    plymouth milton keynes sheffield newcastle nottingham leicester oxford cambridge
    copenhagen kobenhavn aarhus odense aalborg sonderborg
    stockholm gothenburg goteborg malmo uppsala lund umea vaxjo helsingborg
    oslo bergen trondheim stavanger
    helsinki espoo tampere vantaa turku oulu lahti
    reykjavik
    tallinn tartu riga daugavpils liepaja vilnius kaunas klaipeda
    warsaw warszawa krakow cracow lodz wroclaw poznan gdansk gdynia szczecin lublin katowice
    rzeszow bialystok
    prague praha brno ostrava plzen
    bratislava kosice
    budapest debrecen szeged pecs miskolc
    ljubljana maribor kranj velenje
    zagreb split rijeka osijek
    bucharest bucuresti cluj napoca iasi timisoara constanta brasov oradea
    sofia plovdiv varna burgas
    athens thessaloniki patras heraklion ioannina kozani trikala kalamata
    nicosia limassol larnaca
    valletta
    luxembourg
    belgrade beograd novi sad nis
    podgorica sarajevo skopje tirana pristina chisinau
    tbilisi batumi kutaisi yerevan
    kyiv kiev lviv kharkiv odesa odessa dnipro
    istanbul ankara izmir bursa antalya
    tunis sfax
    """
    )
)

_SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "city": ("town", "municipality", "municipal", "council", "metropolis", "commune", "urban"),
    "fund": (
        "money",
        "funding",
        "grant",
        "budget",
        "financing",
        "finance",
        "financial",
        "subsidy",
        "subsidies",
        "reimburse",
        "reimbursement",
        "compensation",
        "compensate",
        "euro",
        "eur",
        "pay",
        "paid",
        "payment",
        "sponsor",
        "allowance",
        "stipend",
    ),
    "cost": ("expense", "price", "fee", "charge", "free", "costly", "expensive", "afford"),
    "travel": ("trip", "journey", "flight", "transport", "accommodation", "hotel"),
    "language": ("english", "languages", "linguistic"),
    "apply": ("application", "applicant", "submit", "submission", "candidacy", "candidate"),
    "register": ("registration", "preregister", "preregistration", "signup", "enrol", "enroll"),
    "eligible": ("eligibility", "qualify", "qualified", "qualification", "entitled", "allowed"),
    "participate": ("participation", "participant", "join", "attend"),
    "information": ("info", "infos", "informations", "details"),
    "contact": ("email", "mail", "phone", "telephone", "helpdesk", "reach"),
    "select": ("selection", "chosen", "choose", "winner", "shortlist", "successful"),
    "size": (
        "population",
        "inhabitant",
        "resident",
        "citizen",
        "small",
        "smaller",
        "big",
        "bigger",
        "large",
        "larger",
        "tiny",
        "populous",
    ),
    "pair": ("match", "partner", "partnered", "counterpart", "paired", "pairing"),
    "start": ("begin", "beginning", "began", "commence"),
    "open": ("launch", "launched", "opening", "reopen"),
    "cohort": ("round", "edition", "batch", "intake", "wave", "generation"),
    "programme": ("program", "scheme", "initiative"),
    "benefit": ("advantage", "gain", "value", "worth", "profit"),
    "commit": ("commitment", "committed", "pledge", "engagement"),
    "requirement": (
        "criteria",
        "criterion",
        "condition",
        "prerequisite",
        "requisite",
        "rule",
        "require",
        "required",
        "requires",
        "necessary",
        "mandatory",
        "obligatory",
        "compulsory",
    ),
    "decision": ("resolution", "motion", "declaration", "vote"),
    "many": ("number", "count", "quantity"),
    "much": ("amount",),
    "guideline": ("guide", "guidance", "manual", "handbook", "documentation"),
    "notify": (
        "notification",
        "alert",
        "remind",
        "reminder",
        "newsletter",
        "update",
        "subscribe",
        "subscription",
        "informed",
    ),
    "delete": ("erase", "remove", "deletion", "erasure", "forget"),
    "privacy": ("gdpr", "confidential", "confidentiality", "compliance", "compliant"),
    "netzerocities": ("nzc",),
    "eu": ("europe", "european", "union"),
    "deadline": ("duedate", "cutoff"),
    "what": (
        "explain",
        "explanation",
        "describe",
        "description",
        "mean",
        "meaning",
        "definition",
        "define",
        "overview",
    ),
    "bot": ("robot", "chatbot", "chatbots", "ai", "machine", "automated"),
    "announce": ("publish", "published", "publication", "release", "unveil", "communicate"),
    "process": ("procedure", "steps", "step", "stages", "formalities"),
    "document": ("papers", "paperwork", "files", "attachments", "annex", "annexes"),
    "help": ("useful", "assist", "support", "supporting"),
    "hour": ("hrs", "hr"),
    "duration": ("long", "longer", "length", "lengthy"),
    "end": ("finish", "finished", "ending", "conclude", "conclusion"),
    "human": ("person", "persons", "humans"),
    "month": ("months",),
    "webinar": ("webinars", "infosession", "livestream", "webcast"),
    "bye": ("goodbye", "farewell", "ciao"),
}

COUNTRY_TOKEN = "country"
_COUNTRY_NAMES = _words(
    """
    austria belgium bulgaria croatia cyprus czechia denmark estonia finland france germany
    greece hungary ireland italy latvia lithuania luxembourg malta netherlands holland poland
    portugal romania slovakia slovenia spain sweden albania armenia bosnia herzegovina canada
    faroe georgia iceland israel kosovo moldova montenegro macedonia norway serbia korea tunisia
    turkiye turkey ukraine uk britain england scotland wales switzerland usa america morocco
    egypt china japan india russia belarus liechtenstein andorra monaco brexit
"""
)
# Demonyms name a country before a word like "city", and a language otherwise ("in german").
_DEMONYMS = _words(
    """
    austrian belgian bulgarian croatian cypriot czech danish estonian finnish french german
    greek hungarian irish italian latvian lithuanian luxembourgish maltese dutch polish
    portuguese romanian slovak slovenian spanish swedish albanian armenian bosnian canadian
    faroese georgian icelandic israeli kosovar moldovan montenegrin macedonian norwegian serbian
    korean tunisian turkish ukrainian british scottish welsh swiss american moroccan chinese
    japanese indian russian
"""
)
_COUNTRY_PHRASES = re.compile(
    r"\b(?:united kingdom|great britain|north macedonia|new zealand|south korea|faroe islands"
    r"|bosnia and herzegovina|czech republic|united states)\b"
)
_DEMONYM_BEFORE_PLACE = re.compile(
    r"\b(?:" + "|".join(_DEMONYMS) + r")(?= (?:city|cities|town|towns|municipality"
    r"|municipalities|local|region|regions|authority|authorities|applicant|applicants"
    r"|partner|partners|organisation|organization|government)\b)"
)


def _light_stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    if base.endswith(("ies", "ied")) and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith("ing") and len(base) >= 6:
        base = _undouble(base[:-3])
    elif base.endswith("ed") and len(base) >= 5:
        base = _undouble(base[:-2])
    elif base.endswith("es") and base[:-2].endswith(("s", "x", "z", "ch", "sh")):
        base = base[:-2]
    elif base.endswith("s") and not base.endswith(("ss", "us", "is")):
        base = base[:-1]
    if len(base) > 3 and base.endswith("e"):
        base = base[:-1]
    return base


def _undouble(base: str) -> str:
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
        return base[:-1]
    return base


def synonym_words() -> dict[str, str]:
    """Every word the synonym map knows, with the canonical token it stands for."""
    return dict(_CANONICAL)


def _build_canonical() -> dict[str, str]:
    canonical: dict[str, str] = {}
    for head, words in _SYNONYM_GROUPS.items():
        target = _light_stem(head)
        for word in (head, *words):
            canonical[word] = target
            canonical[_light_stem(word)] = target
    for country in _COUNTRY_NAMES:
        canonical[country] = COUNTRY_TOKEN
    for demonym in _DEMONYMS:
        canonical[demonym] = canonical["language"]
    for word in ("country", "countries", "nation", "nationality", "state", "states"):
        canonical[word] = COUNTRY_TOKEN
    return canonical


_CANONICAL = _build_canonical()
_STEMMED_STOPWORDS = frozenset(_light_stem(w) for w in STOPWORDS) | STOPWORDS
_STEMMED_CONTEXT = frozenset(_light_stem(w) for w in CONTEXT_WORDS)
_STEMMED_FILLER = frozenset(_light_stem(w) for w in FILLER_WORDS) | FILLER_WORDS


def fold_accents(text: str) -> str:
    """Case-folded text without accents ("Österreich" -> "osterreich"), any script kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def simplify_text(text: str) -> str:
    """Lower-case, accent-free text of letters, digits and single spaces (nothing expanded)."""
    lowered = fold_accents(text).translate(_APOSTROPHES).replace("'", "")
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def normalize_text(text: str) -> str:
    """Like simplify_text, with contractions and chat shorthand ("whats", "thx") expanded."""
    lowered = fold_accents(text).translate(_APOSTROPHES)
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    lowered = _LONG_RUN.sub(r"\1\1", lowered.replace("'", ""))
    lowered = _AGAIN_PREFIX.sub(r"\1 again", lowered)
    lowered = _TAKE_PART.sub("participate", lowered)
    words = _NON_WORD.sub(" ", lowered).split()
    return " ".join(_BARE_CONTRACTIONS.get(word, word) for word in words)


@lru_cache(maxsize=65536)
def canonical_token(word: str) -> str:
    """The stem of a normalised word, folded onto its synonym group's head word."""
    if word in _CANONICAL:
        return _CANONICAL[word]
    stem = _light_stem(word)
    return _CANONICAL.get(stem, stem)


def is_stopword(token: str) -> bool:
    """True for function words that carry no topic (checked on canonical tokens too)."""
    return token in _STEMMED_STOPWORDS


def is_context_word(word: str) -> bool:
    """True for words that say who asks or from where, not what about (incl. place names)."""
    return word in CONTEXT_WORDS or word in PLACE_NAMES or _light_stem(word) in _STEMMED_CONTEXT


def is_place_name(word: str) -> bool:
    """True for the European city names people write when introducing themselves."""
    return word in PLACE_NAMES


def is_filler(token: str) -> bool:
    """True for greetings and politeness words."""
    return token in _STEMMED_FILLER


def replace_country_phrases(normal: str) -> str:
    """Fold country names of several words, and demonyms before "city", into "country"."""
    return _DEMONYM_BEFORE_PLACE.sub(COUNTRY_TOKEN, _COUNTRY_PHRASES.sub(COUNTRY_TOKEN, normal))


def canonical_tokens(text: str) -> list[str]:
    """All canonical tokens of a text, in order (stopwords kept)."""
    return [canonical_token(word) for word in replace_country_phrases(normalize_text(text)).split()]


def content_tokens(tokens: list[str]) -> list[str]:
    """Tokens without stopwords; all tokens when nothing but stopwords remains."""
    kept = [token for token in tokens if not is_stopword(token)]
    return kept or tokens
