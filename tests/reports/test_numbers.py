"""A report's numbers and months are written in the language of the moment, as Flask-Babel writes them."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import format_decimal as babel_decimal

from reports.numbers import ReaderNumbers, format_decimal
from reports.tables import month_label


def test_numbers_and_months_follow_the_language_of_the_moment(app):
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert format_decimal(12345.5) == babel_decimal(12345.5) == "12.345,5"
        assert ReaderNumbers().rate(0.875) == "87,5%" and ReaderNumbers().rate(None) == "—"
        assert month_label("2026-03") == format_date(date(2026, 3, 1), "MMM yyyy")
        with force_locale("en"):  # an export or a message in another language, inside the request
            assert format_decimal(12345.5) == "12,345.5" and ReaderNumbers().rate(0.875) == "87.5%"
            assert month_label("2026-03", "MMMM y") == "March 2026"
        assert format_decimal(12345.5) == "12.345,5"
