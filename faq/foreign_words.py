"""Words of other languages inside an English question ("when is the scadenza?"): the FAQ's key
words are read in English, the little words of other languages ("wann ist die") are dropped.

Only the matcher reads this; whether a whole message is English is `faq/language.py`'s call,
made on the text as written. A word here is never also an English word (checked at import).
"""

from __future__ import annotations

import re

from faq.english import is_common_word
from faq.language import foreign_function_words
from faq.normalize import fold_accents

# English word: its forms in the languages applicants write in (accents folded, lower case).
# Only the words of our topics a writer reaches for in their own language mid-sentence.
_GLOSSARY: dict[str, str] = {
    "deadline": """scadenza scadenze frist fristen abgabefrist einsendeschluss termin terminu
        terminy plazo plazos prazo prazos lhuta lhuty uzaverka echeance hatarido tahtaeg
        termins terminas maaraaika""",
    "certificate": """certifikat certifikatu zertifikat certificato certificado certyfikat
        certificat certifikaatti sertifikaat sertifikat bizonyitvany""",
    "level": """livello niveau nivel poziom uroven urovne szint taso tase limeni""",
    "eligible": """ammissibile ammissibili idoneo idonea berechtigt teilnahmeberechtigt
        elegibles elegivel elegiveis uprawniony uprawnione uprawnieni zpusobily zpusobila
        jogosult opravneny""",
    "city": """citta stadt stadte staedte ciudad ciudades cidade cidades miasto miasta mesto
        mesta ville villes kaupunki linn pilseta miestas varos gemeente kommune comune comuni
        municipio municipios gmina gminy obec obce gemeinde grad gradovi""",
    "apply": """bewerben bewerbung candidarsi candidatura candidature solicitar solicitud
        candidatar wniosek wnioski prihlaska prihlasku zgloszenie aanvraag aanmelden
        palyazat palyazni antrag""",
    "cost": """kosten costo costi coste costes custo custos koszt koszty naklady cout couts
        prezzo preis precio""",
    "language": """sprache sprachen lingua lingue idioma idiomas jezyk jezyka jazyk jazyka
        langue taal nyelv""",
    "english": """inglese englisch ingles angielski anglictina anglais engels angol""",
    "programme": """programma programmi programa programu""",
    "funding": """finanziamento finanziamenti finanzierung foerderung forderung financiacion
        financiamento dofinansowanie finansowanie financovani financement subvencion
        sovvenzione zuschuss dotace dotacja""",
    "travel": """viaggio viaggi reise reisen viaje viajes viagem podroz podroze cesta cestovani
        voyage reiskosten""",
    "register": """anmeldung registrazione iscrizione registro inscripcion rejestracja
        registrace inscription""",
    "requirements": """requisiti anforderungen voraussetzungen requisitos wymagania pozadavky
        exigences vereisten""",
    "documents": """documenti unterlagen dokumente documentos dokumenty dokumentow""",
    "population": """popolazione abitanti einwohner bevolkerung poblacion habitantes ludnosc
        mieszkancow obyvatel obyvatelu habitants inwoners lakos""",
    "selection": """selezione auswahl seleccion selecao wybor vyber""",
    "results": """risultati ergebnisse ergebnis resultados wyniki vysledky resultats""",
    "duration": """durata dauer duracion duracao""",
    "contact": """contatto contatti kontakt kontakty contacto contatos""",
    "climate": """clima klima klimat klimatu""",
    "mission": """missione misja mise mision missao""",
    "partner": """partnerstadt partnerstwo gemellaggio hermanamiento""",
    "twinning": """gemellaggio stadtepartnerschaft hermanamiento""",
    "when": """wann quando cuando kiedy kdy quand""",
    "call": """convocatoria convocatorias bando ausschreibung aufruf nabor vyzva
        palyazati""",
    "submit": """indienen einreichen presentare inviare presentar submeter enviar zlozyc
        podat deposer""",
    "benefits": """elonyok vorteile vantaggi ventajas vantagens korzysci vyhody avantages
        voordelen hyodyt""",
    "countries": """paises lander laender pays paesi kraje zeme staaten landen orszagok
        maat riigid valstybes""",
    "which": """quais quali cuales""",
    "long": """lange""",
    "last": """dauern dauert trwa trva dura""",
    "application": """domanda""",
    "form": """formulario formular formularz modulo""",
    "date": """datum fecha""",
    "webinar": """webinarium webinario""",
    "hours": """stunden ore horas godzin hodin heures timmar timer tunnit orak uur""",
    "month": """monat monate mese mesi mes meses miesiac miesiecy mesic mesicu mois""",
}
ENGLISH_FOR: dict[str, str] = {
    word: english
    for english, words in _GLOSSARY.items()
    for word in words.split()
    if not is_common_word(word)
}
LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_word(word: str, known: frozenset[str] | set[str] = frozenset()) -> str:
    """A word as the matcher reads it: its English (a glossary word), "" (another language's
    little word), or itself (a word the FAQ knows, `known` folded words, or English uses)."""
    folded = fold_accents(word)
    if folded in known or is_common_word(folded):
        return word
    english = ENGLISH_FOR.get(folded)
    if english is not None:
        return english
    return "" if folded in foreign_function_words() else word


def english_reading(text: str, known: frozenset[str] | set[str] = frozenset()) -> str:
    """The text with glossary words put in English and other languages' little words dropped;
    a word the FAQ knows (`known`, folded words) or English uses is left as it is."""
    return LETTERS.sub(lambda match: english_word(match.group(0), known), text)
