"""First-level administrative divisions (ISO 3166-2) of the countries most people return to.
Other countries: the division is typed. Municipalities are typed for now."""
from __future__ import annotations

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
