"""Administrative divisions of the countries most people return to: departments and states
(ISO 3166-2) for GT, HN, SV, MX and HT; municipalities for GT, HN, SV and HT from
data/municipalities.csv (see the notice beside it). Elsewhere the division and municipality are typed."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from casework.families.identifiers import fold as fold_accents

DIVISIONS: dict[str, list[tuple[str, str]]] = {
    "GT": [("GT-AV", "Alta Verapaz"), ("GT-BV", "Baja Verapaz"), ("GT-CM", "Chimaltenango"), ("GT-CQ", "Chiquimula"),
           ("GT-PR", "El Progreso"), ("GT-ES", "Escuintla"), ("GT-GU", "Guatemala"), ("GT-HU", "Huehuetenango"),
           ("GT-IZ", "Izabal"), ("GT-JA", "Jalapa"), ("GT-JU", "Jutiapa"), ("GT-PE", "Petén"),
           ("GT-QZ", "Quetzaltenango"), ("GT-QC", "Quiché"), ("GT-RE", "Retalhuleu"), ("GT-SA", "Sacatepéquez"),
           ("GT-SM", "San Marcos"), ("GT-SR", "Santa Rosa"), ("GT-SO", "Sololá"), ("GT-SU", "Suchitepéquez"),
           ("GT-TO", "Totonicapán"), ("GT-ZA", "Zacapa")],
    "HN": [("HN-AT", "Atlántida"), ("HN-CH", "Choluteca"), ("HN-CL", "Colón"), ("HN-CM", "Comayagua"),
           ("HN-CP", "Copán"), ("HN-CR", "Cortés"), ("HN-EP", "El Paraíso"), ("HN-FM", "Francisco Morazán"),
           ("HN-GD", "Gracias a Dios"), ("HN-IN", "Intibucá"), ("HN-IB", "Islas de la Bahía"), ("HN-LP", "La Paz"),
           ("HN-LE", "Lempira"), ("HN-OC", "Ocotepeque"), ("HN-OL", "Olancho"), ("HN-SB", "Santa Bárbara"),
           ("HN-VA", "Valle"), ("HN-YO", "Yoro")],
    "SV": [("SV-AH", "Ahuachapán"), ("SV-CA", "Cabañas"), ("SV-CH", "Chalatenango"), ("SV-CU", "Cuscatlán"),
           ("SV-LI", "La Libertad"), ("SV-PA", "La Paz"), ("SV-UN", "La Unión"), ("SV-MO", "Morazán"),
           ("SV-SM", "San Miguel"), ("SV-SS", "San Salvador"), ("SV-SV", "San Vicente"), ("SV-SA", "Santa Ana"),
           ("SV-SO", "Sonsonate"), ("SV-US", "Usulután")],
    "MX": [("MX-AGU", "Aguascalientes"), ("MX-BCN", "Baja California"), ("MX-BCS", "Baja California Sur"),
           ("MX-CAM", "Campeche"), ("MX-CHP", "Chiapas"), ("MX-CHH", "Chihuahua"), ("MX-CMX", "Ciudad de México"),
           ("MX-COA", "Coahuila"), ("MX-COL", "Colima"), ("MX-DUR", "Durango"), ("MX-GUA", "Guanajuato"),
           ("MX-GRO", "Guerrero"), ("MX-HID", "Hidalgo"), ("MX-JAL", "Jalisco"), ("MX-MEX", "México"),
           ("MX-MIC", "Michoacán"), ("MX-MOR", "Morelos"), ("MX-NAY", "Nayarit"), ("MX-NLE", "Nuevo León"),
           ("MX-OAX", "Oaxaca"), ("MX-PUE", "Puebla"), ("MX-QUE", "Querétaro"), ("MX-ROO", "Quintana Roo"),
           ("MX-SLP", "San Luis Potosí"), ("MX-SIN", "Sinaloa"), ("MX-SON", "Sonora"), ("MX-TAB", "Tabasco"),
           ("MX-TAM", "Tamaulipas"), ("MX-TLA", "Tlaxcala"), ("MX-VER", "Veracruz"), ("MX-YUC", "Yucatán"),
           ("MX-ZAC", "Zacatecas")],
    "HT": [("HT-AR", "Artibonite"), ("HT-CE", "Centre"), ("HT-GA", "Grand'Anse"), ("HT-NI", "Nippes"),
           ("HT-ND", "Nord"), ("HT-NE", "Nord-Est"), ("HT-NO", "Nord-Ouest"), ("HT-OU", "Ouest"), ("HT-SD", "Sud"),
           ("HT-SE", "Sud-Est")],
}

NAMES = {code: name for divisions in DIVISIONS.values() for code, name in divisions}


def division_name(code_or_text: str | None) -> str:
    return NAMES.get(code_or_text or "", code_or_text or "")


MUNICIPALITIES_CSV = Path(__file__).parent / "data" / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    country: str
    division: str
    name: str
    part_of: str | None = None      # El Salvador: the 2024 municipality a district belongs to


def fold(text: str | None) -> str:
    """Accents, case and spacing do not matter when matching a place name: "chiantla" is "Chiantla"."""
    return " ".join(fold_accents(text or "").split())


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, list[Municipality]]:
    found: dict[str, list[Municipality]] = {}
    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["country"], []).append(
                Municipality(row["country"], row["division"], row["name"], row["part_of"] or None))
    return found


def municipalities(country: str | None) -> list[Municipality]:
    return _municipalities().get(country or "", [])


def find_municipality(country: str, division: str | None, typed: str | None) -> tuple[list[Municipality], bool]:
    """The shipped municipalities named `typed` in `country`, and whether the country has a list at all."""
    known = municipalities(country)
    wanted = fold(typed)
    return [m for m in known if fold(m.name) == wanted and (division is None or m.division == division)], bool(known)


def resolve_place(country: str, division: str | None, typed: str | None) -> tuple[str | None, str | None]:
    """The division and municipality to store: a shipped municipality in its official spelling, with
    its department filled in when it was left empty; a name the list does not have, as typed. A
    municipality of the list placed in another department is refused, since reminders and referrals
    would go to the wrong place."""
    from flask_babel import lazy_gettext as _l

    from casework.errors import ValidationError

    name = " ".join((typed or "").split()) or None
    if name is None:
        return division, None
    here, listed = find_municipality(country, division, name)
    if len(here) == 1:
        return here[0].division, here[0].name
    if len(here) > 1:
        raise ValidationError(str(_l("Several municipalities are called %(name)s: choose the department or state.",
                                     name=name)), "division")
    if listed and division:
        elsewhere, _ = find_municipality(country, None, name)
        if elsewhere:
            raise ValidationError(str(_l("%(name)s is in %(where)s, not in %(division)s: check the department "
                                         "or state.", name=elsewhere[0].name,
                                         where=", ".join(division_name(m.division) for m in elsewhere),
                                         division=division_name(division))), "municipality")
    return division, name
