"""A program ready to import into: an admin, a case manager, a court and an ICE office."""

from __future__ import annotations

import pytest

from casework.accounts.models import Role
from tests.factories import PASSWORD, make_court, make_ice_office, make_organization, make_user

# Spanish headers, semicolons, Windows-1252 accents; day/month/year dates; a household over two
# rows; A-numbers with dashes and spaces; a row with an impossible date; an Excel date serial.
MESSY_ROWS = [
    "Familia;Parentesco;Nombres;Apellidos;Segundo apellido;Fecha de nacimiento;Número A;País;Idioma;"
    "Teléfono;Correo;Acepta mensajes;Dirección;Ciudad;Estado;Código postal;Fecha de liberación;Agencia;"
    "Tipo de liberación;Gestor de casos;Fecha de audiencia;Hora de audiencia;Corte;Fecha de presentación;"
    "Hora de presentación",
    "F-001;Jefa;María José;Pérez;Ramírez;14/03/1988;A 123-456-789;Guatemala;K'iche';(312) 555-0143;"
    "maria.perez@example.org;Sí;1450 W Cermak Rd;Chicago;IL;60608;02/10/2026;ICE;Parole;"
    "gestora@example.org;15/01/2027;9:00 AM;Chicago;20/12/2026;10:30",
    "F-001;Hija;Anaité;Pérez;Ramírez;01/02/2016;;Guatemala;Español;;;;;;;;;;;;15/01/2027;9:00 AM;Chicago;;",
    "F-002;Jefe;Juan Carlos;Núñez;;31/12/1990;098765432;Honduras;Spanish;+504 9999 1234;;sí;;;;;;;;;"
    "03/02/2027;13:00;Chicago;;",
    "F-003;Jefe;Rosa;Chávez;;31/02/1991;;El Salvador;Español;;;;;;;;;;;;;;;;",
    "F-004;Jefe;Pedro;Ixcoy;;33000;A-012-345-678;Guatemala;Mam;;;;;;;;;;;;01/06/2026;8:00;Chicago;;",
]


def messy_csv() -> bytes:
    return ("\r\n".join(MESSY_ROWS) + "\r\n").encode("cp1252")


@pytest.fixture()
def program(db_session):
    return make_organization(db_session, name="Chicago Families Program", timezone="America/Chicago")


@pytest.fixture()
def admin(db_session, program):
    return make_user(db_session, program, Role.ADMIN, email="admin@example.org", name="Alma Directora")


@pytest.fixture()
def manager(db_session, program):
    return make_user(db_session, program, Role.CASE_MANAGER, email="gestora@example.org", name="Gloria Gestora")


@pytest.fixture()
def court(db_session):
    return make_court(db_session)


@pytest.fixture()
def ice_office(db_session, program):
    return make_ice_office(db_session, program)


@pytest.fixture()
def signed_in(client, db_session, admin, manager, court, ice_office):
    db_session.commit()
    client.sign_in(admin.email, PASSWORD)
    return client
