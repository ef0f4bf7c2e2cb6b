"""What families read: reminder texts per language, and SMS segment counting.

Texts are written per language here rather than in the gettext catalogs, because they go to
families, not to staff, and must each be reviewed for plain wording and for length (a reminder
stays within two SMS segments). They name no case type and nothing a stranger should not read.
SMS bodies are folded to the GSM-7 alphabet (accents GSM-7 lacks are dropped: "según" becomes
"segun") so that two segments hold 306 characters rather than 134.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, time

from babel.dates import format_date, format_time

EOIR_LINE = "1-800-898-7180"

# GSM 03.38: the basic set counts one septet, the extension set two.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
GSM_ALL = frozenset(GSM_BASIC | GSM_EXTENDED)


def is_gsm7(text: str) -> bool:
    return set(text) <= GSM_ALL


def segments(text: str) -> int:
    """How many SMS parts `text` is sent as: 160/153 septets in GSM-7, 70/67 UTF-16 units in UCS-2."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


def to_gsm7(text: str) -> str:
    """Keep GSM-7 letters as they are; strip accents GSM-7 lacks; replace typographic marks."""
    if is_gsm7(text):
        return text
    out = []
    for ch in text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-"):
        if unicodedata.category(ch) == "Zs":  # Babel puts narrow no-break spaces in times ("8:30 AM")
            ch = " "
        if ch in GSM_BASIC or ch in GSM_EXTENDED:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base in GSM_BASIC else "?")
    return "".join(out)


SMS_LIMIT_SEGMENTS = 2

# Haitian Creole has no CLDR locale in Babel; its dates are written out here.
_HT_DAYS = ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"]
_HT_MONTHS = ["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb", "novanm", "desanm"]


@dataclass(frozen=True)
class Wording:
    locale: str
    date_pattern: str
    what: dict[str, str]  # hearing / check_in / appointment
    reminder: str  # {what} {when} {where}
    date_changed: str  # {what} {when} {where}
    cancelled: str  # {what} {when}
    when: str  # {date} {time}
    video: str  # {link}
    consequence: str
    plan: str  # {time}
    reply: str
    confirm: str
    call: str  # {phone}
    details: str  # {link}
    stop: str
    subject: str  # {when}
    subject_changed: str
    subject_cancelled: str


WORDINGS: dict[str, Wording] = {
    "eng": Wording(
        locale="en",
        date_pattern="EEEE, MMMM d",
        what={"hearing": "court date", "check_in": "check-in appointment", "appointment": "appointment"},
        reminder="Your {what} is {when} at {where}.",
        date_changed="Your {what} has CHANGED. New date: {when} at {where}.",
        cancelled="Your {what} of {when} is CANCELLED. Do not go on that date.",
        when="{date}, {time}",
        video="by video: {link}",
        consequence="Missing it can lead to a removal order.",
        plan="What time will you leave to arrive by {time}?",
        reply="Reply 1 to confirm, 2 if you need a ride or an interpreter.",
        confirm="Check your date: " + EOIR_LINE + ".",
        call="Questions? Call {phone}.",
        details="Details: {link}",
        stop="Wrong number? Reply STOP",
        subject="Reminder: {when}",
        subject_changed="Your date changed: {when}",
        subject_cancelled="Cancelled: {when}",
    ),
    "spa": Wording(
        locale="es",
        date_pattern="EEEE d 'de' MMMM",
        what={"hearing": "cita en la corte", "check_in": "cita de reporte", "appointment": "cita"},
        reminder="Su {what} es el {when} en {where}.",
        date_changed="Su {what} CAMBIÓ. Nueva fecha: {when} en {where}.",
        cancelled="Su {what} del {when} se CANCELÓ. No vaya ese día.",
        when="{date}, {time}",
        video="por video: {link}",
        consequence="Si no va, el juez puede ordenar su deportación.",
        plan="¿A qué hora va a salir para llegar a las {time}?",
        reply="Responda 1 si va, 2 si necesita transporte o intérprete.",
        confirm="Confirme su fecha al " + EOIR_LINE + ".",
        call="Dudas: {phone}.",
        details="Info: {link}",
        stop="¿No es usted? Responda STOP",
        subject="Recordatorio: {when}",
        subject_changed="Su fecha cambió: {when}",
        subject_cancelled="Cancelada: {when}",
    ),
    "hat": Wording(
        locale="ht",
        date_pattern="",
        what={"hearing": "randevou nan tribinal", "check_in": "randevou pou prezante w", "appointment": "randevou"},
        reminder="{what} ou se {when} nan {where}.",
        date_changed="{what} ou CHANJE. Nouvo dat: {when} nan {where}.",
        cancelled="{what} ou {when} ANILE. Pa ale jou sa a.",
        when="{date} a {time}",
        video="pa videyo: {link}",
        consequence="Si ou pa ale, jij la ka bay lòd pou depòte w.",
        plan="Ki lè w ap soti pou w rive anvan {time}?",
        reply="Reponn 1 pou konfime, 2 si w bezwen transpò oswa entèprèt.",
        confirm="Verifye dat ou: " + EOIR_LINE + ".",
        call="Kesyon: {phone}.",
        details="Detay: {link}",
        stop="Move nimewo? Reponn STOP",
        subject="Rapèl: {when}",
        subject_changed="Dat ou chanje: {when}",
        subject_cancelled="Anile: {when}",
    ),
    "fra": Wording(
        locale="fr",
        date_pattern="EEEE d MMMM",
        what={"hearing": "audience", "check_in": "rendez-vous de pointage", "appointment": "rendez-vous"},
        reminder="Votre {what} est le {when} au {where}.",
        date_changed="Votre {what} a CHANGÉ. Nouvelle date : {when} au {where}.",
        cancelled="ANNULATION : votre {what} du {when} n'aura pas lieu. N'y allez pas ce jour-là.",
        when="{date} à {time}",
        video="par vidéo : {link}",
        consequence="Absent, le juge peut ordonner votre expulsion.",
        plan="À quelle heure partirez-vous pour arriver avant {time} ?",
        reply="Répondez 1 pour confirmer, 2 si besoin de transport/interprète.",
        confirm="Vérifiez la date au " + EOIR_LINE + ".",
        call="Aide : {phone}.",
        details="Infos : {link}",
        stop="Pas vous ? Répondez STOP",
        subject="Rappel : {when}",
        subject_changed="Votre date a changé : {when}",
        subject_cancelled="Annulé : {when}",
    ),
    "por": Wording(
        locale="pt",
        date_pattern="EEEE, d 'de' MMMM",
        what={"hearing": "sua audiência", "check_in": "seu comparecimento", "appointment": "seu compromisso"},
        reminder="{what} é {when} em {where}.",
        date_changed="MUDANÇA: {what} agora é {when} em {where}.",
        cancelled="CANCELAMENTO: {what} de {when} não vai acontecer. Não vá nesse dia.",
        when="{date}, {time}",
        video="por vídeo: {link}",
        consequence="Se faltar, o juiz pode ordenar sua deportação.",
        plan="A que horas você vai sair para chegar às {time}?",
        reply="Responda 1 se vai, 2 se precisa de transporte ou intérprete.",
        confirm="Confirme a data: " + EOIR_LINE + ".",
        call="Dúvidas: {phone}.",
        details="Info: {link}",
        stop="Não é você? Responda STOP",
        subject="Lembrete: {when}",
        subject_changed="Sua data mudou: {when}",
        subject_cancelled="Cancelado: {when}",
    ),
}

LANGUAGES_WITH_TEXTS = frozenset(WORDINGS)


def has_texts(language: str | None) -> bool:
    return (language or "eng") in WORDINGS


def wording(language: str | None) -> Wording:
    return WORDINGS[language or "eng"]


def format_day(w: Wording, day: date) -> str:
    if w.locale == "ht":
        return f"{_HT_DAYS[day.weekday()]} {day.day} {_HT_MONTHS[day.month - 1]}"
    return format_date(day, w.date_pattern, locale=w.locale)


def format_clock(w: Wording, at: time) -> str:
    if w.locale == "ht":
        return at.strftime("%H:%M")
    return format_time(at, "short", locale=w.locale)


@dataclass(frozen=True)
class MessageFacts:
    """What a message may say: no names, no case type, no A-number."""

    language: str
    category: str  # hearing / check_in / appointment
    day: date
    at: time
    street: str | None  # full street address, or None when by video
    short_street: str | None  # street and city only, used when the full one is too long
    video_link: str | None
    phone: str | None  # whom to call: the program's number
    link: str  # the family's page
    is_hearing: bool


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # the full text: email body, and the SMS before folding


def compose(
    kind: str,
    facts: MessageFacts,
    *,
    consequence: bool = False,
    plan: bool = False,
    reply: bool = False,
    sms: bool = False,
) -> Message:
    """One message; for SMS the longest variant that fits two segments, dropping detail in a
    fixed order: full street → short street → the closing detail line."""
    w = wording(facts.language)
    when = w.when.format(date=format_day(w, facts.day), time=format_clock(w, facts.at))
    what = w.what[facts.category]
    subjects = {"reminder": w.subject, "date_changed": w.subject_changed, "cancelled": w.subject_cancelled}
    subject = subjects[kind].format(when=when)

    def build(where: str | None, with_prompt: bool, with_details: bool) -> str:
        parts: list[str] = []
        if kind == "cancelled":
            parts.append(w.cancelled.format(what=what, when=when))
        else:
            template = w.reminder if kind == "reminder" else w.date_changed
            parts.append(template.format(what=what, when=when, where=where))
        parts[0] = parts[0][0].upper() + parts[0][1:]
        if consequence and facts.is_hearing and kind != "cancelled":
            parts.append(w.consequence)
        if with_prompt and plan and kind == "reminder" and facts.street:
            parts.append(w.plan.format(time=format_clock(w, facts.at)))
        elif with_prompt and reply and kind != "cancelled":
            parts.append(w.reply)
        if facts.is_hearing:
            parts.append(w.confirm)
        if facts.phone:
            parts.append(w.call.format(phone=facts.phone))
        if with_details:
            parts.append(w.details.format(link=facts.link))
        parts.append(w.stop)
        return " ".join(parts)

    places = (
        [w.video.format(link=facts.video_link)]
        if facts.video_link and not facts.street
        else [facts.street or "", facts.short_street or facts.street or ""]
    )
    if not sms:
        return Message(subject, build(places[0], True, True))
    # Longest first; what gives way, in order: the full street (the link has it), the reply or
    # plan prompt, and as a last resort the link. The date, place, consequence, court line and STOP stay.
    candidates = [(place, True, True) for place in places] + [(places[-1], False, True), (places[-1], False, False)]
    for where, with_prompt, with_details in candidates:
        text = to_gsm7(build(where, with_prompt, with_details))
        if segments(text) <= SMS_LIMIT_SEGMENTS:
            return Message(subject, text)
    return Message(subject, text)
