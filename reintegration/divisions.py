"""Administrative divisions of the countries most people return to: departments and states
(ISO 3166-2) for GT, HN, SV, MX and HT, and their municipalities from data/municipalities.csv (see
the notice beside it): Guatemala's, Honduras', El Salvador's 44 municipalities of 2024 with their 262
districts (the former municipalities), Haiti's communes with their arrondissement, and Mexico's
municipalities from INEGI. Elsewhere the division and municipality are typed."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from casework.families.identifiers import fold as fold_accents

# Guatemala's codes are numeric since ISO 3166-2 replaced the letters (GT-01 ... GT-22, INE's
# department codes). Each list is in alphabetical order, as the forms offer it.
DIVISIONS: dict[str, list[tuple[str, str]]] = {
    "GT": [
        ("GT-16", "Alta Verapaz"),
        ("GT-15", "Baja Verapaz"),
        ("GT-04", "Chimaltenango"),
        ("GT-20", "Chiquimula"),
        ("GT-02", "El Progreso"),
        ("GT-05", "Escuintla"),
        ("GT-01", "Guatemala"),
        ("GT-13", "Huehuetenango"),
        ("GT-18", "Izabal"),
        ("GT-21", "Jalapa"),
        ("GT-22", "Jutiapa"),
        ("GT-17", "Petén"),
        ("GT-09", "Quetzaltenango"),
        ("GT-14", "Quiché"),
        ("GT-11", "Retalhuleu"),
        ("GT-03", "Sacatepéquez"),
        ("GT-12", "San Marcos"),
        ("GT-06", "Santa Rosa"),
        ("GT-07", "Sololá"),
        ("GT-10", "Suchitepéquez"),
        ("GT-08", "Totonicapán"),
        ("GT-19", "Zacapa"),
    ],
    "HN": [
        ("HN-AT", "Atlántida"),
        ("HN-CH", "Choluteca"),
        ("HN-CL", "Colón"),
        ("HN-CM", "Comayagua"),
        ("HN-CP", "Copán"),
        ("HN-CR", "Cortés"),
        ("HN-EP", "El Paraíso"),
        ("HN-FM", "Francisco Morazán"),
        ("HN-GD", "Gracias a Dios"),
        ("HN-IN", "Intibucá"),
        ("HN-IB", "Islas de la Bahía"),
        ("HN-LP", "La Paz"),
        ("HN-LE", "Lempira"),
        ("HN-OC", "Ocotepeque"),
        ("HN-OL", "Olancho"),
        ("HN-SB", "Santa Bárbara"),
        ("HN-VA", "Valle"),
        ("HN-YO", "Yoro"),
    ],
    "SV": [
        ("SV-AH", "Ahuachapán"),
        ("SV-CA", "Cabañas"),
        ("SV-CH", "Chalatenango"),
        ("SV-CU", "Cuscatlán"),
        ("SV-LI", "La Libertad"),
        ("SV-PA", "La Paz"),
        ("SV-UN", "La Unión"),
        ("SV-MO", "Morazán"),
        ("SV-SM", "San Miguel"),
        ("SV-SS", "San Salvador"),
        ("SV-SV", "San Vicente"),
        ("SV-SA", "Santa Ana"),
        ("SV-SO", "Sonsonate"),
        ("SV-US", "Usulután"),
    ],
    "MX": [
        ("MX-AGU", "Aguascalientes"),
        ("MX-BCN", "Baja California"),
        ("MX-BCS", "Baja California Sur"),
        ("MX-CAM", "Campeche"),
        ("MX-CHP", "Chiapas"),
        ("MX-CHH", "Chihuahua"),
        ("MX-CMX", "Ciudad de México"),
        ("MX-COA", "Coahuila"),
        ("MX-COL", "Colima"),
        ("MX-DUR", "Durango"),
        ("MX-GUA", "Guanajuato"),
        ("MX-GRO", "Guerrero"),
        ("MX-HID", "Hidalgo"),
        ("MX-JAL", "Jalisco"),
        ("MX-MEX", "México"),
        ("MX-MIC", "Michoacán"),
        ("MX-MOR", "Morelos"),
        ("MX-NAY", "Nayarit"),
        ("MX-NLE", "Nuevo León"),
        ("MX-OAX", "Oaxaca"),
        ("MX-PUE", "Puebla"),
        ("MX-QUE", "Querétaro"),
        ("MX-ROO", "Quintana Roo"),
        ("MX-SLP", "San Luis Potosí"),
        ("MX-SIN", "Sinaloa"),
        ("MX-SON", "Sonora"),
        ("MX-TAB", "Tabasco"),
        ("MX-TAM", "Tamaulipas"),
        ("MX-TLA", "Tlaxcala"),
        ("MX-VER", "Veracruz"),
        ("MX-YUC", "Yucatán"),
        ("MX-ZAC", "Zacatecas"),
    ],
    "HT": [
        ("HT-AR", "Artibonite"),
        ("HT-CE", "Centre"),
        ("HT-GA", "Grand'Anse"),
        ("HT-NI", "Nippes"),
        ("HT-ND", "Nord"),
        ("HT-NE", "Nord-Est"),
        ("HT-NO", "Nord-Ouest"),
        ("HT-OU", "Ouest"),
        ("HT-SD", "Sud"),
        ("HT-SE", "Sud-Est"),
    ],
}

NAMES = {code: name for divisions in DIVISIONS.values() for code, name in divisions}


def division_name(code_or_text: str | None) -> str:
    return NAMES.get(code_or_text or "", code_or_text or "")


MUNICIPALITIES_CSV = Path(__file__).parent / "data" / "municipalities.csv"

# A list this long is offered one state at a time (Mexico's 2,478 names would weigh on every form).
SUGGESTED_AT_ONCE = 1000

# Between a name and what tells it apart, in a suggestion or a corrected field: "Mejicanos — district of
# San Salvador Centro". What follows it only narrows the choice, so its wording may be translated freely.
HINT_SEPARATOR = " — "


@dataclass(frozen=True)
class Municipality:
    country: str
    division: str
    name: str
    part_of: str | None = None  # El Salvador: the municipality of 2024 a district belongs to
    arrondissement: str | None = None  # Haiti: the arrondissement of a commune
    aliases: tuple[str, ...] = ()  # common short names: "Ixcán" for "Playa Grande Ixcán"
    code: str | None = None  # the statistics office's code (INE Guatemala, INEGI)

    @property
    def is_district(self) -> bool:
        return self.part_of is not None

    @property
    def municipality(self) -> str:
        """The municipality to store: a district's municipality of 2024, else the name itself."""
        return self.part_of or self.name


@dataclass(frozen=True)
class Place:
    """Where to store a person or a provider: the division, the municipality (in El Salvador the one
    of 2024) and, when one was named, the district within it."""

    division: str | None
    municipality: str | None
    district: str | None = None


_PUNCTUATION = re.compile(r"[-'’.,]")


def fold(text: str | None) -> str:
    """Accents, case, hyphens and spacing do not matter when matching a place name: "cap haitien" is
    "Cap-Haïtien"."""
    return " ".join(_PUNCTUATION.sub(" ", fold_accents(text or "")).split())


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, list[Municipality]]:
    found: dict[str, list[Municipality]] = {}
    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["country"], []).append(
                Municipality(
                    row["country"],
                    row["division"],
                    row["name"],
                    row["part_of"] or None,
                    row["arrondissement"] or None,
                    tuple(a for a in row["aliases"].split("|") if a),
                    row["code"] or None,
                )
            )
    return found


@lru_cache(maxsize=1)
def _by_name() -> dict[str, dict[str, list[Municipality]]]:
    """Each country's places by folded name and alias, read once."""
    index: dict[str, dict[str, list[Municipality]]] = {}
    for country, places in _municipalities().items():
        names = index.setdefault(country, {})
        for place in places:
            for name in dict.fromkeys(fold(n) for n in (place.name, *place.aliases)):
                names.setdefault(name, []).append(place)
    return index


def municipalities(country: str | None) -> list[Municipality]:
    """Every place of the country's list: municipalities, and in El Salvador their districts too."""
    return _municipalities().get(country or "", [])


def suggested(country: str | None, division: str | None) -> list[Municipality]:
    """What a form suggests: the country's list, or only the chosen state's when the list is long
    (Mexico), and nothing until a state is chosen."""
    places = municipalities(country)
    if len(places) <= SUGGESTED_AT_ONCE:
        return places
    return [m for m in places if m.division == division] if division else []


def _split(typed: str) -> tuple[str, str]:
    name, _, hint = typed.partition(HINT_SEPARATOR.strip())
    return " ".join(name.split()), fold(hint)


def _narrowed(found: list[Municipality], hint: str) -> list[Municipality]:
    """The places a suggestion's hint ("district of San Salvador Centro", a department's name)
    designates among those of one name; all of them when it designates none."""
    if not hint:
        return found
    padded = f" {hint} "
    for part in (lambda m: m.part_of, lambda m: m.arrondissement, lambda m: division_name(m.division)):
        chosen = [m for m in found if part(m) and f" {fold(part(m))} " in padded]
        if chosen:
            return chosen
    return found


def find_municipality(country: str, division: str | None, typed: str | None) -> tuple[list[Municipality], bool]:
    """The shipped places named `typed` (by name or alias) in `country`, and whether the country has
    a list at all."""
    name, hint = _split(typed or "")
    found = [m for m in _by_name().get(country, {}).get(fold(name), []) if division is None or m.division == division]
    return _narrowed(found, hint), bool(municipalities(country))


def _place(m: Municipality) -> Place:
    return Place(m.division, m.municipality, m.name if m.is_district else None)


def resolve_place(country: str, division: str | None, typed: str | None) -> Place:
    """The place to store: a shipped municipality in its official spelling (a short name stored under
    the official one), its department filled in when it was left empty; an El Salvador district with
    its municipality of 2024; a name the list does not have, as typed. A municipality of the list
    placed in another department is refused, since reminders and referrals would go to the wrong
    place."""
    from casework.errors import ValidationError
    from casework.i18n import lazy_gettext as _l

    typed = " ".join((typed or "").split()) or None
    if typed is None:
        return Place(division, None)
    here, listed = find_municipality(country, division, typed)
    places = list(dict.fromkeys(_place(m) for m in here))
    if len(places) == 1:
        return places[0]
    name, _ = _split(typed)
    if len(places) > 1:
        raise ValidationError(
            str(_l("Several municipalities are called %(name)s: choose the department or state.", name=name)),
            "division",
        )
    if listed and division:
        elsewhere, _ = find_municipality(country, None, typed)
        if elsewhere:
            raise ValidationError(
                str(
                    _l(
                        "%(name)s is in %(where)s, not in %(division)s: check the department or state.",
                        name=elsewhere[0].name,
                        where=", ".join(dict.fromkeys(division_name(m.division) for m in elsewhere)),
                        division=division_name(division),
                    )
                ),
                "municipality",
            )
    return Place(division, typed)


@lru_cache(maxsize=4096)  # places of the list and of providers, compared for every suggestion
def municipality_key(country: str | None, division: str | None, municipality: str | None) -> str:
    """What two places are compared by: the municipality, in El Salvador the one of 2024 (so that
    Mejicanos and San Salvador Centro are one place), under its official name (Ixcán is Playa Grande
    Ixcán); a name the list does not have, folded."""
    found = [
        m
        for m in _by_name().get(country or "", {}).get(fold(municipality), [])
        if division is None or m.division == division
    ]
    municipalities_of = {m.municipality for m in found}
    return fold(municipalities_of.pop() if len(municipalities_of) == 1 else municipality)


@lru_cache(maxsize=4096)  # a place name of the list, looked up for every line that names it
def _commune(country: str | None, division: str | None, name: str | None) -> Municipality | None:
    found = [
        m for m in _by_name().get(country or "", {}).get(fold(name), []) if m.division == division and m.name == name
    ]
    return found[0] if len(found) == 1 else None


def district_hint(municipality: str) -> str:
    from casework.i18n import gettext as _

    return _("district of %(municipality)s", municipality=municipality)


def place_input(district: str | None, municipality: str | None) -> str | None:
    """What the municipality field shows for a stored place, so that saving it again keeps it."""
    if district and municipality:
        return f"{district}{HINT_SEPARATOR}{district_hint(municipality)}"
    return municipality


def suggestion(m: Municipality) -> tuple[str, str]:
    """A datalist option: the value to type, and its label (the department, and the arrondissement
    of a Haitian commune)."""
    from casework.i18n import gettext as _

    label = division_name(m.division)
    if m.arrondissement:
        label = _("%(division)s, arrondissement of %(arrondissement)s", division=label, arrondissement=m.arrondissement)
    if m.is_district:
        return f"{m.name}{HINT_SEPARATOR}{district_hint(m.municipality)}", label
    return m.name, label


def place_text(country: str | None, division: str | None, municipality: str | None, district: str | None = None) -> str:
    """How a place reads on a page: "Mejicanos, district of San Salvador Centro, San Salvador";
    "Fond-des-Blancs, arrondissement of Aquin, Sud"."""
    from casework.i18n import gettext as _

    parts = []
    if district and municipality:
        parts.append(_("%(district)s, district of %(municipality)s", district=district, municipality=municipality))
    elif municipality:
        commune = _commune(country, division, municipality)
        if commune is not None and commune.arrondissement and fold(commune.arrondissement) != fold(municipality):
            parts.append(
                _(
                    "%(commune)s, arrondissement of %(arrondissement)s",
                    commune=municipality,
                    arrondissement=commune.arrondissement,
                )
            )
        else:
            parts.append(municipality)
    if division:
        parts.append(division_name(division))
    return ", ".join(parts)
