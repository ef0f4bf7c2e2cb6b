from flask import Blueprint

bp = Blueprint("community", __name__)
