from flask import Blueprint

bp = Blueprint("schooling", __name__)
