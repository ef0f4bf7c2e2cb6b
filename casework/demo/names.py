"""Fictional names by country of origin: common given names and surnames combined at random."""

GIVEN = {
    "GT": {
        "f": ["María Ixchel", "Rosa Elena", "Juana", "Ana Lucía", "Candelaria", "Francisca"],
        "m": ["José Luis", "Juan Carlos", "Pedro", "Mateo", "Tomás", "Baltazar"],
    },
    "HN": {
        "f": ["Dunia Marisol", "Karla Yamileth", "Iris", "Sonia Patricia", "Wendy"],
        "m": ["Wilmer Josué", "Kevin Alexander", "Elvin", "Óscar René", "Santos"],
    },
    "SV": {
        "f": ["Reina Isabel", "Guadalupe", "Blanca Estela", "Marta Alicia"],
        "m": ["Ernesto", "Nelson Antonio", "René", "Balmore", "Josué"],
    },
    "MX": {"f": ["Guadalupe", "Xóchitl", "María Fernanda", "Leticia"], "m": ["Jesús", "Ángel", "Efraín", "José Ramón"]},
    "HT": {
        "f": ["Marie-Claude", "Widline", "Nadège", "Fabienne", "Roseline"],
        "m": ["Jean-Baptiste", "Wilner", "Frantz", "Jean Robert", "Ricardo"],
    },
    "VE": {
        "f": ["Yusmary", "Génesis", "Daniela", "María Gabriela"],
        "m": ["Yonaiker", "José Gregorio", "Luis Ángel", "Andrés"],
    },
}

CHILD_GIVEN = {
    "f": ["Sofía", "Valentina", "Ximena", "Fernanda", "Camila", "Daniela", "Esther", "Nahomy", "Widelie"],
    "m": ["Matías", "Ángel", "Santiago", "Dylan", "Jostin", "Emanuel", "Byron", "Jean Kenley", "Ezequiel"],
}

SURNAMES = {
    "GT": ["García", "Tzoc", "Chávez", "Pérez", "Us", "Cux", "Ixcoy", "Ramírez", "López", "Xicará", "Pú"],
    "HN": ["Hernández", "Martínez", "Flores", "Zúniga", "Bonilla", "Maradiaga", "Núñez", "Castro"],
    "SV": ["Hernández", "Rivera", "Menjívar", "Orellana", "Quintanilla", "Ayala", "Portillo"],
    "MX": ["Sánchez", "González", "Mendoza", "Cruz", "Ramírez", "Jiménez", "Hernández"],
    "HT": ["Joseph", "Pierre", "Louis", "Jean", "Desir", "Charles", "Saint-Fleur", "Dorval"],
    "VE": ["Rodríguez", "Pérez", "González", "Briceño", "Suárez", "Carrasquel", "Peña"],
}

# (country, preferred language, other languages spoken, interpreter needed, phone prefix)
PROFILES = [
    ("GT", "quc", ["spa"], True, "+502 5555 0"),
    ("GT", "mam", ["spa"], True, "+502 5555 1"),
    ("GT", "kjb", [], True, "+502 5555 2"),
    ("GT", "spa", [], False, "+502 5555 3"),
    ("HN", "spa", [], False, "+504 9555 0"),
    ("HN", "cab", ["spa"], True, "+504 9555 1"),
    ("SV", "spa", [], False, "+503 7555 0"),
    ("MX", "spa", [], False, "+52 55 5555 0"),
    ("MX", "mxt", ["spa"], True, "+52 55 5555 1"),
    ("HT", "hat", ["fra"], True, "+509 3555 0"),
    ("VE", "spa", [], False, "+58 412 555 0"),
]

STREETS = [
    "W Cermak Rd",
    "S Pulaski Rd",
    "W 26th St",
    "N Kedzie Ave",
    "W Lawrence Ave",
    "S Ashland Ave",
    "W Armitage Ave",
    "N Milwaukee Ave",
    "W North Ave",
    "S Halsted St",
]

# Larger pools for `casework seed`: common given names and surnames, combined at random, so that
# generated households look like a real caseload without naming anyone.
SEED_GIVEN = {
    "f": sorted(
        {n for country in GIVEN.values() for n in country["f"]}
        | set(CHILD_GIVEN["f"])
        | {
            "Alejandra",
            "Brenda",
            "Carmen",
            "Delmy",
            "Elsa",
            "Flor de María",
            "Gladys",
            "Heidy",
            "Ingrid",
            "Jackeline",
            "Lilian",
            "Magdalena",
            "Norma",
            "Olga",
            "Paola",
            "Rosario",
            "Sandra",
            "Teresa",
            "Vilma",
            "Yesenia",
            "Zoila",
            "Marie-Ange",
            "Josiane",
            "Yolette",
            "Mirlande",
        }
    ),
    "m": sorted(
        {n for country in GIVEN.values() for n in country["m"]}
        | set(CHILD_GIVEN["m"])
        | {
            "Abner",
            "Bryan",
            "Cristian",
            "Diego",
            "Edwin",
            "Fredy",
            "Gerson",
            "Héctor",
            "Isaí",
            "Jairo",
            "Lester",
            "Marvin",
            "Noé",
            "Omar",
            "Pablo",
            "Rigoberto",
            "Selvin",
            "Ulises",
            "Víctor",
            "Yeison",
            "Jean-Claude",
            "Wisly",
            "Peterson",
            "Fritznel",
        }
    ),
}

SEED_SURNAMES = sorted(
    {s for country in SURNAMES.values() for s in country}
    | {
        "Aguilar",
        "Alvarado",
        "Argueta",
        "Barrios",
        "Cabrera",
        "Calel",
        "Canil",
        "Contreras",
        "Coc",
        "Díaz",
        "Escobar",
        "Estrada",
        "Figueroa",
        "Fuentes",
        "Gómez",
        "Guzmán",
        "Herrera",
        "Ixchop",
        "Juárez",
        "Lemus",
        "Maldonado",
        "Marroquín",
        "Méndez",
        "Molina",
        "Morales",
        "Navarro",
        "Ordóñez",
        "Ortiz",
        "Pacheco",
        "Paz",
        "Quiñónez",
        "Reyes",
        "Ríos",
        "Rosales",
        "Salazar",
        "Sandoval",
        "Solís",
        "Tay",
        "Toj",
        "Torres",
        "Vásquez",
        "Velásquez",
        "Xol",
        "Yax",
        "Zapeta",
        "Baptiste",
        "Étienne",
        "Fleurant",
        "Jean-Louis",
        "Lafortune",
        "Michel",
        "Noël",
        "Toussaint",
        "Valcourt",
        "Alcalá",
        "Bermúdez",
        "Colmenares",
        "Guevara",
        "Montilla",
        "Urdaneta",
    }
)

# Area codes of US cities of destination; with 555-0100 to 555-0199 the numbers are fictional.
SEED_AREA_CODES = [
    "212",
    "213",
    "214",
    "281",
    "301",
    "305",
    "312",
    "313",
    "347",
    "404",
    "408",
    "415",
    "469",
    "510",
    "512",
    "571",
    "602",
    "617",
    "646",
    "702",
    "703",
    "713",
    "718",
    "720",
    "773",
    "786",
    "832",
    "857",
    "872",
    "917",
    "919",
    "954",
]
