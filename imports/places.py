"""US states and ZIP codes as spreadsheets write them."""

from __future__ import annotations

import re

from casework.families.identifiers import fold
from casework.families.zones import STATE_ZONE

_NAMED = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "washington dc": "DC", "florida": "FL",
    "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "luisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
    "misuri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH",
    "nuevo hampshire": "NH", "new jersey": "NJ", "nueva jersey": "NJ", "new mexico": "NM", "nuevo mexico": "NM",
    "new york": "NY", "nueva york": "NY", "north carolina": "NC", "carolina del norte": "NC",
    "north dakota": "ND", "dakota del norte": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
    "pennsylvania": "PA", "pensilvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "carolina del sur": "SC", "south dakota": "SD", "dakota del sur": "SD", "tennessee": "TN", "texas": "TX",
    "tejas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "virginia occidental": "WV", "wisconsin": "WI", "wyoming": "WY",
    "puerto rico": "PR", "virgin islands": "VI", "islas virgenes": "VI", "guam": "GU",
    "northern mariana islands": "MP", "islas marianas del norte": "MP", "american samoa": "AS",
    "samoa americana": "AS",
}  # fmt: skip
_ZIP = re.compile(r"(\d{5})(?:[\s-]?(\d{4}))?")


def parse_state(text: str) -> str | None:
    """'TX', 'tx', 'Texas', 'Nueva York' -> the two letters; None when it is no US state."""
    cleaned = text.strip().rstrip(".").upper()
    if cleaned in STATE_ZONE:
        return cleaned
    return _NAMED.get(" ".join(re.findall(r"[a-z]+", fold(text))))


def zip_code(text: str) -> str | None:
    """'78701', '78701-1234', '787011234', '7870' (a lost leading zero: '07870')."""
    digits = text.strip()
    if digits.isdigit() and len(digits) == 4:  # Excel drops New England's leading zero
        digits = "0" + digits
    match = _ZIP.fullmatch(digits)
    if not match:
        return None
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
