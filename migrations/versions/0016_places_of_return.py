"""places of return: Guatemala's numeric ISO codes, El Salvador's 2024 municipalities

Guatemala's ISO 3166-2 codes are numeric (GT-01 ... GT-22, INE's department codes): every stored
division is rewritten, and back on downgrade. Returnee cases and providers get a district: an El
Salvador row whose municipality is one of the 262 districts (the municipalities before May 2024)
keeps it as its district and takes its municipality of 2024 (Mejicanos -> San Salvador Centro,
department filled in when it was empty); a name the list of that time does not place for certain
(a district name found in several departments, the department left empty) stays as it was. A
Guatemalan municipality stored under a short name or a misspelling takes its official name. The
lists are copied here as they were at this revision, so that later changes of the shipped lists do
not change what this migration did.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 01:10:00
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = ("returnee_cases", "in_country_providers")

GT_CODES = {
    "GT-GU": "GT-01", "GT-PR": "GT-02", "GT-SA": "GT-03", "GT-CM": "GT-04", "GT-ES": "GT-05", "GT-SR": "GT-06",
    "GT-SO": "GT-07", "GT-TO": "GT-08", "GT-QZ": "GT-09", "GT-SU": "GT-10", "GT-RE": "GT-11", "GT-SM": "GT-12",
    "GT-HU": "GT-13", "GT-QC": "GT-14", "GT-BV": "GT-15", "GT-AV": "GT-16", "GT-PE": "GT-17", "GT-IZ": "GT-18",
    "GT-ZA": "GT-19", "GT-CQ": "GT-20", "GT-JA": "GT-21", "GT-JU": "GT-22",
}

# Guatemala: the names stored before this revision that have an official form since (short names
# and one misspelling), with their department.
GT_NAMES = {
    "Santo Tomas la Unión": ("GT-10", "Santo Tomás La Unión"),
    "Petapa": ("GT-01", "San Miguel Petapa"),
    "Dueñas": ("GT-03", "San Miguel Dueñas"),
    "Alotenango": ("GT-03", "San Juan Alotenango"),
    "Comalapa": ("GT-04", "San Juan Comalapa"),
    "Tecpán": ("GT-04", "Tecpán Guatemala"),
    "Pochuta": ("GT-04", "San Miguel Pochuta"),
    "Yepocapa": ("GT-04", "San Pedro Yepocapa"),
    "Olintepeque": ("GT-09", "San Juan Olintepeque"),
    "Sija": ("GT-09", "San Carlos Sija"),
    "Ostuncalco": ("GT-09", "San Juan Ostuncalco"),
    "Colomba": ("GT-09", "Colomba Costa Cuca"),
    "Necta": ("GT-13", "San Pedro Necta"),
    "Soloma": ("GT-13", "San Pedro Soloma"),
    "Acatán": ("GT-13", "San Miguel Acatán"),
    "Todos Santos": ("GT-13", "Todos Santos Cuchumatán"),
    "Atitán": ("GT-13", "San Juan Atitán"),
    "Ixtatán": ("GT-13", "San Mateo Ixtatán"),
    "Ixcoy": ("GT-13", "San Juan Ixcoy"),
    "Coatán": ("GT-13", "San Sebastián Coatán"),
    "Barillas": ("GT-13", "Santa Cruz Barillas"),
    "Petzal": ("GT-13", "San Rafael Petzal"),
    "Chichicastenango": ("GT-14", "Santo Tomás Chichicastenango"),
    "Cotzal": ("GT-14", "San Juan Cotzal"),
    "Nebaj": ("GT-14", "Santa María Nebaj"),
    "Uspantán": ("GT-14", "San Miguel Uspantán"),
    "Ixcán": ("GT-14", "Playa Grande Ixcán"),
    "Chicaj": ("GT-15", "San Miguel Chicaj"),
    "El Chol": ("GT-15", "Santa Cruz El Chol"),
    "Tucurú": ("GT-16", "San Miguel Tucurú"),
    "Carchá": ("GT-16", "San Pedro Carchá"),
    "Chamelco": ("GT-16", "San Juan Chamelco"),
    "Lanquín": ("GT-16", "San Agustín Lanquín"),
    "Cahabón": ("GT-16", "Santa María Cahabón"),
    "Fray Bartolomé": ("GT-16", "Fray Bartolomé de las Casas"),
    "La Tinta": ("GT-16", "Santa Catalina La Tinta"),
}

# El Salvador: the 44 municipalities of the Ley Especial para la Reestructuración Municipal (in force
# 1 May 2024) and their districts.
SV_DISTRICTS = {
    ("SV-AH", "Ahuachapán Norte"): "Atiquizaya|El Refugio|San Lorenzo|Turín",
    ("SV-AH", "Ahuachapán Centro"): "Ahuachapán|Apaneca|Concepción de Ataco|Tacuba",
    ("SV-AH", "Ahuachapán Sur"): "Guaymango|Jujutla|San Francisco Menéndez|San Pedro Puxtla",
    ("SV-SA", "Santa Ana Norte"): "Metapán|Masahuat|Santa Rosa Guachipilín|Texistepeque",
    ("SV-SA", "Santa Ana Centro"): "Santa Ana",
    ("SV-SA", "Santa Ana Este"): "Coatepeque|El Congo",
    ("SV-SA", "Santa Ana Oeste"): ("Chalchuapa|Candelaria de la Frontera|El Porvenir|San Antonio Pajonal|San "
                                   "Sebastián Salitrillo|Santiago de la Frontera"),
    ("SV-SO", "Sonsonate Norte"): "Juayúa|Nahuizalco|Salcoatitán|Santa Catarina Masahuat",
    ("SV-SO", "Sonsonate Centro"): "Sonsonate|Nahulingo|San Antonio del Monte|Santo Domingo de Guzmán|Sonzacate",
    ("SV-SO", "Sonsonate Este"): "Izalco|Armenia|Caluco|Cuisnahuat|San Julián|Santa Isabel Ishuatán",
    ("SV-SO", "Sonsonate Oeste"): "Acajutla",
    ("SV-CH", "Chalatenango Norte"): "La Palma|Citalá|San Ignacio",
    ("SV-CH", "Chalatenango Centro"): ("Nueva Concepción|Agua Caliente|Dulce Nombre de María|El Paraíso|La "
                                       "Reina|San Fernando|San Francisco Morazán|San Rafael|Santa Rita|Tejutla"),
    ("SV-CH", "Chalatenango Sur"): ("Chalatenango|Arcatao|Azacualpa|Comalapa|Concepción Quezaltepeque|El "
                                    "Carrizal|La Laguna|Las Vueltas|Nombre de Jesús|Nueva Trinidad|Ojos de "
                                    "Agua|Potonico|San Antonio de la Cruz|San Antonio Los Ranchos|San Francisco "
                                    "Lempa|San Isidro Labrador|San José Cancasque|San José Las Flores|San Luis "
                                    "del Carmen|San Miguel de Mercedes"),
    ("SV-LI", "La Libertad Norte"): "Quezaltepeque|San Matías|San Pablo Tacachico",
    ("SV-LI", "La Libertad Centro"): "San Juan Opico|Ciudad Arce",
    ("SV-LI", "La Libertad Oeste"): "Colón|Jayaque|Sacacoyo|Talnique|Tepecoyo",
    ("SV-LI", "La Libertad Este"): "Antiguo Cuscatlán|Huizúcar|Nuevo Cuscatlán|San José Villanueva|Zaragoza",
    ("SV-LI", "La Libertad Costa"): "La Libertad|Chiltiupán|Jicalapa|Tamanique|Teotepeque",
    ("SV-LI", "La Libertad Sur"): "Santa Tecla|Comasagua",
    ("SV-SS", "San Salvador Norte"): "Aguilares|El Paisnal|Guazapa",
    ("SV-SS", "San Salvador Oeste"): "Apopa|Nejapa",
    ("SV-SS", "San Salvador Este"): "Ilopango|San Martín|Soyapango|Tonacatepeque",
    ("SV-SS", "San Salvador Centro"): "San Salvador|Ayutuxtepeque|Ciudad Delgado|Cuscatancingo|Mejicanos",
    ("SV-SS", "San Salvador Sur"): "Panchimalco|Rosario de Mora|San Marcos|Santiago Texacuangos|Santo Tomás",
    ("SV-CU", "Cuscatlán Norte"): ("Suchitoto|Oratorio de Concepción|San Bartolomé Perulapía|San José "
                                   "Guayabal|San Pedro Perulapán"),
    ("SV-CU", "Cuscatlán Sur"): ("Cojutepeque|Candelaria|El Carmen|El Rosario|Monte San Juan|San Cristóbal|San "
                                 "Rafael Cedros|San Ramón|Santa Cruz Analquito|Santa Cruz Michapa|Tenancingo"),
    ("SV-PA", "La Paz Oeste"): ("Olocuilta|Cuyultitán|San Francisco Chinameca|San Juan Talpa|San Luis Talpa|San "
                                "Pedro Masahuat|Tapalhuaca"),
    ("SV-PA", "La Paz Centro"): ("El Rosario|Jerusalén|Mercedes La Ceiba|Paraíso de Osorio|San Antonio "
                                 "Masahuat|San Emigdio|San Juan Tepezontes|San Luis La Herradura|San Miguel "
                                 "Tepezontes|San Pedro Nonualco|Santa María Ostuma|Santiago Nonualco"),
    ("SV-PA", "La Paz Este"): "Zacatecoluca|San Juan Nonualco|San Rafael Obrajuelo",
    ("SV-CA", "Cabañas Este"): "Sensuntepeque|Dolores|Guacotecti|San Isidro|Victoria",
    ("SV-CA", "Cabañas Oeste"): "Ilobasco|Cinquera|Jutiapa|Tejutepeque",
    ("SV-SV", "San Vicente Norte"): ("Apastepeque|San Esteban Catarina|San Ildefonso|San Lorenzo|San "
                                     "Sebastián|Santa Clara|Santo Domingo"),
    ("SV-SV", "San Vicente Sur"): "San Vicente|Guadalupe|San Cayetano Istepeque|Tecoluca|Tepetitán|Verapaz",
    ("SV-US", "Usulután Norte"): ("Santiago de María|Alegría|Berlín|El Triunfo|Estanzuelas|Jucuapa|Mercedes "
                                  "Umaña|Nueva Granada|San Buenaventura"),
    ("SV-US", "Usulután Este"): ("Usulután|California|Concepción Batres|Ereguayquín|Jucuarán|Ozatlán|San "
                                 "Dionisio|Santa Elena|Santa María|Tecapán"),
    ("SV-US", "Usulután Oeste"): "Jiquilisco|Puerto El Triunfo|San Agustín|San Francisco Javier",
    ("SV-SM", "San Miguel Norte"): ("Ciudad Barrios|Carolina|Chapeltique|Nuevo Edén de San Juan|San Antonio del "
                                    "Mosco|San Gerardo|San Luis de la Reina|Sesori"),
    ("SV-SM", "San Miguel Centro"): "San Miguel|Chirilagua|Comacarán|Moncagua|Quelepa|Uluazapa",
    ("SV-SM", "San Miguel Oeste"): ("Chinameca|El Tránsito|Lolotique|Nueva Guadalupe|San Jorge|San Rafael "
                                    "Oriente"),
    ("SV-MO", "Morazán Norte"): ("Arambala|Cacaopera|Corinto|El "
                                 "Rosario|Joateca|Jocoaitique|Meanguera|Perquín|San Fernando|San Isidro|Torola"),
    ("SV-MO", "Morazán Sur"): ("San Francisco Gotera|Chilanga|Delicias de Concepción|El "
                               "Divisadero|Gualococti|Guatajiagua|Jocoro|Lolotiquillo|Osicala|San Carlos|San "
                               "Simón|Sensembra|Sociedad|Yamabal|Yoloaiquín"),
    ("SV-UN", "La Unión Norte"): ("Santa Rosa de Lima|Anamorós|Bolívar|Concepción de Oriente|El "
                                  "Sauce|Lislique|Nueva Esparta|Pasaquina|Polorós|San José La Fuente"),
    ("SV-UN", "La Unión Sur"): ("La Unión|Conchagua|El Carmen|Intipucá|Meanguera del Golfo|San "
                                "Alejo|Yayantique|Yucuaiquín"),
}

_PUNCTUATION = re.compile(r"[-'’.,]")


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


def _sv_places():
    """Folded name -> [(division, municipality, district or None)]."""
    places = {}
    for (division, municipality), districts in SV_DISTRICTS.items():
        places.setdefault(_fold(municipality), []).append((division, municipality, None))
        for district in districts.split("|"):
            places.setdefault(_fold(district), []).append((division, municipality, district))
    return places


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('district', sa.String(length=120), nullable=True))
    bind = op.get_bind()
    for table in TABLES:
        for old, new in GT_CODES.items():
            bind.execute(sa.text(f"UPDATE {table} SET division = :new WHERE division = :old"), {"old": old, "new": new})
        _upgrade_names(bind, table)


def _upgrade_names(bind, table: str) -> None:
    sv = _sv_places()
    gt = {_fold(name): place for name, place in GT_NAMES.items()}
    rows = bind.execute(sa.text(f"SELECT id, country, division, municipality FROM {table} "
                                "WHERE country IN ('SV', 'GT') AND municipality IS NOT NULL")).all()
    for row_id, country, division, municipality in rows:
        if country == "SV":
            found = [p for p in sv.get(_fold(municipality), []) if division is None or p[0] == division]
            if len(found) != 1:
                continue
            division, municipality, district = found[0]
        else:
            place = gt.get(_fold(municipality))
            if place is None or division not in (None, place[0]):
                continue
            (division, municipality), district = place, None
        bind.execute(sa.text(f"UPDATE {table} SET division = :division, municipality = :municipality, "
                             "district = :district WHERE id = :id"),
                     {"division": division, "municipality": municipality, "district": district, "id": row_id})


def downgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        # As the lists before this revision had it: the district was the municipality.
        bind.execute(sa.text(f"UPDATE {table} SET municipality = district WHERE district IS NOT NULL"))
        for old, new in GT_CODES.items():
            bind.execute(sa.text(f"UPDATE {table} SET division = :old WHERE division = :new"), {"old": old, "new": new})
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('district')
