"""The `casework` console script: Flask's CLI with every domain's commands."""

from flask.cli import FlaskGroup

from casework import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), help="Casework: case management commands.")()
