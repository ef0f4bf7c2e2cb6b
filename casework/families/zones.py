"""Which clock a household lives by: the IANA zone of a US address, suggested from its state.

States that span two zones get the zone most of their people live in; the address form shows the
suggestion so that a case manager corrects it for, say, El Paso (Mountain) or the Florida panhandle
(Central). Reminders are timed on this clock."""

from __future__ import annotations

US_ZONES = (
    "America/New_York",
    "America/Detroit",
    "America/Kentucky/Louisville",
    "America/Indiana/Indianapolis",
    "America/Chicago",
    "America/Denver",
    "America/Boise",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/St_Thomas",
    "Pacific/Guam",
    "Pacific/Saipan",
    "Pacific/Pago_Pago",
)

_BY_ZONE = {
    "America/New_York": "CT DE DC FL GA KY ME MD MA NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Detroit": "MI",
    "America/Indiana/Indianapolis": "IN",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO MT NM UT WY",
    "America/Boise": "ID",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR",
    "America/St_Thomas": "VI",
    "Pacific/Guam": "GU",
    "Pacific/Saipan": "MP",
    "Pacific/Pago_Pago": "AS",
}
STATE_ZONE = {state: zone for zone, states in _BY_ZONE.items() for state in states.split()}


def zone_for_state(state: str | None) -> str | None:
    return STATE_ZONE.get((state or "").strip().upper())
