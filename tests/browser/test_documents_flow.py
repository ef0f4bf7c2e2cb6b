"""A case manager keeps a family's documents: a PDF work permit with its expiry, a photograph of a
Notice to Appear whose location is removed (checked on the downloaded file), a text file named .pdf
refused next to the file field with the other choices kept; the card fits a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_intake_flow import sign_in

pytestmark = pytest.mark.browser

GPS_IFD = 0x8825
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FILE_LABEL = "File (PDF, photograph or Word document)"


def _pdf(tmp_path):
    path = tmp_path / "ead-card.pdf"
    path.write_bytes(MINIMAL_PDF)
    return path


def _photo_with_location(tmp_path):
    """A JPEG as a phone takes it: EXIF with a camera make and a GPS position (Chicago)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (41.0, 51.0, 0.0), 3: "W", 4: (87.0, 39.0, 0.0)}
    path = tmp_path / "nta-photo.jpg"
    Image.new("RGB", (320, 240), (200, 180, 150)).save(path, format="JPEG", exif=exif)
    with Image.open(path) as check:  # the file really carries a location before it is sent
        assert GPS_IFD in check.getexif()
    return path


def _documents_card(page):
    return page.get_by_role("region", name="Documents", exact=True)


def _open_the_form(page, live_app):
    page.goto(f"{live_app['url']}/families/{live_app['family_id']}")
    _documents_card(page).get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", name="Add a document")).to_be_visible()


def test_documents_are_kept_listed_and_downloaded_without_location(page, live_app, tmp_path):
    sign_in(page, live_app)
    _open_the_form(page, live_app)

    expires = date.today() + timedelta(days=60)  # noqa: DTZ011 - a date ahead, whatever the zone
    page.get_by_label(FILE_LABEL).set_input_files(str(_pdf(tmp_path)))
    page.get_by_label("Kind of document").select_option(label="Work permit (EAD)")
    page.get_by_label("Expires on").fill(expires.isoformat())
    screenshot(page, "documents-form")
    page.get_by_role("button", name="Keep the document").click()

    expect(page.get_by_text("The document is kept.")).to_be_visible()
    card = _documents_card(page)
    expect(card.get_by_role("link", name="Work permit (EAD)")).to_be_visible()
    expect(card).to_contain_text("ead-card.pdf")
    expect(card).to_contain_text("expires")

    _open_the_form(page, live_app)
    page.get_by_label(FILE_LABEL).set_input_files(str(_photo_with_location(tmp_path)))
    page.get_by_label("Kind of document").select_option(label="Notice to Appear (I-862)")
    page.get_by_role("button", name="Keep the document").click()
    expect(page.get_by_text("The document is kept.")).to_be_visible()
    card = _documents_card(page)
    photo_link = card.get_by_role("link", name="Notice to Appear (I-862)")
    expect(photo_link).to_be_visible()
    expect(card).to_contain_text("nta-photo.jpg")

    card.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "documents-family.png"))  # the viewport, scrolled to the card

    with page.expect_download() as download_info:
        photo_link.click()
    download = download_info.value
    assert download.suggested_filename == "nta-photo.jpg"
    saved = tmp_path / "downloaded.jpg"
    download.save_as(str(saved))
    with Image.open(saved) as downloaded:
        assert downloaded.format == "JPEG"
        assert downloaded.size == (320, 240)
        exif = downloaded.getexif()
        assert GPS_IFD not in exif, "the photograph still records where it was taken"
        assert 0x010F not in exif
    # The download is counted on the card, and its history names who downloaded it.
    page.reload()
    card = _documents_card(page)
    card.get_by_role("link", name="Downloaded 1 time").click()
    expect(page.get_by_role("heading", name="Who downloaded Notice to Appear (I-862)")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Bruna Browser")


def test_a_file_that_is_not_what_its_name_says_is_refused_next_to_the_field(page, live_app, tmp_path):
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"Just some notes typed in a text editor, saved with a .pdf name.\n" * 20)
    sign_in(page, live_app)
    _open_the_form(page, live_app)
    page.get_by_label(FILE_LABEL).set_input_files(str(fake))
    page.get_by_label("Kind of document").select_option(label="Release order (I-220A or I-220B)")
    page.get_by_label("Expires on").fill("2027-01-15")
    page.get_by_role("button", name="Keep the document").click()

    error = page.locator("#file-error")
    expect(error).to_contain_text("This type of file is not accepted")
    expect(page.get_by_label(FILE_LABEL)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Kind of document")).to_have_value("release_order")
    expect(page.get_by_label("Expires on")).to_have_value("2027-01-15")
    expect(page.get_by_text("The document is kept.")).to_have_count(0)
    screenshot(page, "documents-form-error")


def test_the_documents_card_fits_a_phone(browser, live_app, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, live_app)
        _open_the_form(page, live_app)  # a document at least, so that the table is there
        page.get_by_label(FILE_LABEL).set_input_files(str(_pdf(tmp_path)))
        page.get_by_label("Kind of document").select_option(label="Asylum application receipt (I-589)")
        page.get_by_role("button", name="Keep the document").click()
        expect(page.get_by_text("The document is kept.")).to_be_visible()
        card = _documents_card(page)
        expect(card.locator("table.documents")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        card.screenshot(path=str(ARTIFACTS / "documents-phone.png"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"the family page with documents scrolls sideways on a phone ({width}px)"
        card_width = card.evaluate("e => e.scrollWidth")
        assert card_width <= 390, f"the documents card is wider than a phone ({card_width}px)"
    finally:
        context.close()
