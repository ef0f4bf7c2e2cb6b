from flask import Blueprint

bp = Blueprint("releases", __name__)
