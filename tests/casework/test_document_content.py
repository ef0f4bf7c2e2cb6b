"""Documents are identified by their content; photographs are rewritten upright and without metadata."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from casework.documents import content
from casework.documents.content import ACCEPTED, Prepared, prepare
from casework.errors import ValidationError

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (40.0, 42.0, 51.0), 3: "W", 4: (74.0, 0.0, 21.0)}
    if orientation is not None:
        exif[ORIENTATION] = orientation
    return exif


def _photo(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, "white" if mode != "RGBA" else (0, 0, 0, 0))
    for x in range(size[0] // 2):  # the left half red, so that turning it shows
        for y in range(size[1]):
            image.putpixel((x, y), (255, 0, 0) if mode == "RGB" else (255, 0, 0, 255))
    return image


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    directory = tmp_path / "work"
    directory.mkdir()
    return directory


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _jpeg_bytes(orientation: int | None = 6) -> bytes:
    buffer = io.BytesIO()
    _photo().save(buffer, format="JPEG", exif=_exif(orientation), xmp=XMP)
    return buffer.getvalue()


def _docx_bytes(*extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name in extra:
            archive.writestr(name, b"\x00")
    return buffer.getvalue()


def _assert_clean(path: Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    exif = image.getexif()
    assert GPS_IFD not in exif
    assert ORIENTATION not in exif
    assert not exif.get_ifd(GPS_IFD)
    assert "exif" not in image.info
    assert "xmp" not in image.info
    return image


def test_jpeg_is_turned_upright_and_loses_gps_and_xmp(tmp_path: Path, workdir: Path) -> None:
    source = _write(tmp_path, "permit.jpeg", _jpeg_bytes(orientation=6))
    assert Image.open(source).getexif().get_ifd(GPS_IFD)  # the fixture does carry a location

    prepared = prepare(source, workdir)

    assert prepared.content_type == "image/jpeg"
    assert prepared.extension == ".jpg"
    assert prepared.path.parent == workdir
    assert prepared.path.suffix == ".jpg"
    assert prepared.path != source
    image = _assert_clean(prepared.path)
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # orientation 6: rotated a quarter turn, width and height swapped
    assert b"GPS" not in prepared.path.read_bytes()
    assert b"xmpmeta" not in prepared.path.read_bytes()
    assert source.read_bytes() == _jpeg_bytes(orientation=6)  # the upload itself is left alone


def test_jpeg_without_orientation_keeps_its_size(tmp_path: Path, workdir: Path) -> None:
    prepared = prepare(_write(tmp_path, "photo.jpg", _jpeg_bytes(orientation=None)), workdir)
    assert _assert_clean(prepared.path).size == (40, 20)


def test_png_keeps_its_format_and_loses_exif(tmp_path: Path, workdir: Path) -> None:
    source = tmp_path / "scan.png"
    _photo().save(source, format="PNG", exif=_exif(orientation=6))

    prepared = prepare(source, workdir)

    assert (prepared.content_type, prepared.extension) == ("image/png", ".png")
    image = _assert_clean(prepared.path)
    assert image.format == "PNG"
    assert image.size == (20, 40)


def test_png_palette_transparency_is_kept(tmp_path: Path, workdir: Path) -> None:
    source = tmp_path / "logo.png"
    _photo().convert("P").save(source, format="PNG", transparency=0)

    prepared = prepare(source, workdir)

    assert Image.open(prepared.path).info.get("transparency") == 0


@pytest.mark.parametrize("lossless", [False, True])
def test_webp_keeps_its_format_and_loses_exif(tmp_path: Path, workdir: Path, lossless: bool) -> None:
    source = tmp_path / "photo.webp"
    _photo().save(source, format="WEBP", exif=_exif(orientation=6), xmp=XMP, lossless=lossless)

    prepared = prepare(source, workdir)

    assert (prepared.content_type, prepared.extension) == ("image/webp", ".webp")
    image = _assert_clean(prepared.path)
    assert image.format == "WEBP"
    assert image.size == (20, 40)
    if lossless:
        assert image.getpixel((0, 0)) == (255, 0, 0)  # the left half, red, is now on top
        assert image.getpixel((0, 39)) == (255, 255, 255)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_heic_becomes_jpeg_without_gps(tmp_path: Path, workdir: Path, mode: str) -> None:
    source = tmp_path / "IMG_0001.HEIC"
    pillow_heif.from_pillow(_photo(mode=mode)).save(source, quality=50, exif=_exif().tobytes())
    assert content.sniff(source.read_bytes()[:1024]) in ("image/heic", "image/heif")

    prepared = prepare(source, workdir)

    assert (prepared.content_type, prepared.extension) == ("image/jpeg", ".jpg")
    image = _assert_clean(prepared.path)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == (40, 20)


def test_pdf_is_kept_unchanged(tmp_path: Path, workdir: Path) -> None:
    data = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    source = _write(tmp_path, "notice to appear.PDF", data)

    assert prepare(source, workdir) == Prepared(source, "application/pdf", ".pdf")
    assert source.read_bytes() == data
    assert list(workdir.iterdir()) == []


def test_pdf_header_may_follow_a_little_junk(tmp_path: Path, workdir: Path) -> None:
    source = _write(tmp_path, "scan.pdf", b"\r\n" * 100 + b"%PDF-1.7\n%%EOF\n")
    assert prepare(source, workdir).content_type == "application/pdf"


def test_pdf_header_past_the_first_kilobyte_is_refused(tmp_path: Path, workdir: Path) -> None:
    source = _write(tmp_path, "late.pdf", b" " * 1024 + b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(ValidationError) as caught:
        prepare(source, workdir)
    assert caught.value.field == "file"


def test_docx_is_kept_unchanged(tmp_path: Path, workdir: Path) -> None:
    source = _write(tmp_path, "letter.docx", _docx_bytes())

    prepared = prepare(source, workdir)

    assert prepared == Prepared(
        source, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
    )
    assert source.read_bytes() == _docx_bytes()


def test_accepted_types() -> None:
    assert ACCEPTED == {
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "image/heic": ".jpg",
        "image/heif": ".jpg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    }


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/one.txt", "hello")
    return buffer.getvalue()


REFUSED = {
    "empty": ("empty.pdf", lambda: b"", "empty"),
    "text renamed .pdf": ("notes.pdf", lambda: b"Just some notes, not a PDF at all.\n", "not accepted"),
    "exe renamed .pdf": (
        "setup.pdf",
        lambda: b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run",
        "not accepted",
    ),
    "elf renamed .pdf": ("a.pdf", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "not accepted"),
    "html renamed .jpg": ("page.jpg", lambda: b"<html><script>alert(1)</script></html>", "not accepted"),
    "gif": ("anim.gif", lambda: b"GIF89a" + b"\x00" * 50, "not accepted"),
    "plain zip": ("archive.docx", _zip_bytes, "not a Word document"),
    "macro-enabled word": ("macros.docx", lambda: _docx_bytes("word/vbaProject.bin"), "not accepted"),
    "broken zip": ("broken.docx", lambda: _docx_bytes()[:60], "could not be opened"),
    "truncated jpeg": ("cut.jpg", lambda: _jpeg_bytes()[:200], "could not be opened"),
    "jpeg header only": ("cut2.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 20, "could not be opened"),
    "png header only": ("cut.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "could not be opened"),
    "webp header only": ("cut.webp", lambda: b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"\x00" * 20, "could not be opened"),
    "heic header only": ("cut.heic", lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20, "could not be opened"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refusals(tmp_path: Path, workdir: Path, case: str) -> None:
    name, data, words = REFUSED[case]
    source = _write(tmp_path, name, data())

    with pytest.raises(ValidationError) as caught:
        prepare(source, workdir)

    assert caught.value.field == "file"
    assert words in caught.value.message
    assert list(workdir.iterdir()) == []


def test_refusal_names_the_accepted_types(tmp_path: Path, workdir: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        prepare(_write(tmp_path, "x.pdf", b"MZ" + b"\x00" * 64), workdir)
    for name in ("PDF", "JPEG", "PNG", "HEIC", "WebP", "Word", ".docx"):
        assert name in caught.value.message


@pytest.mark.parametrize("limit", [250, 500])  # 600 pixels: beyond 2 × 250 Pillow raises, beyond 500 it warns
def test_decompression_bombs_are_refused(
    tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    source = tmp_path / "bomb.png"
    Image.new("L", (30, 20)).save(source)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)

    with pytest.raises(ValidationError) as caught:
        prepare(source, workdir)

    assert caught.value.field == "file"
    assert "too large" in caught.value.message
    assert list(workdir.iterdir()) == []


class _CountingReader:
    """A file handle that notes the size of every read."""

    def __init__(self, handle: io.BufferedReader, reads: list[int]) -> None:
        self._handle = handle
        self._reads = reads

    def read(self, size: int = -1) -> bytes:
        self._reads.append(size)
        return self._handle.read(size)

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def test_only_the_head_of_a_pdf_is_read(tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write(tmp_path, "big.pdf", b"%PDF-1.7\n" + b"0" * 5_000_000)
    reads: list[int] = []
    real_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *args, **kwargs: _CountingReader(real_open(self, *args, **kwargs), reads)
    )

    assert prepare(source, workdir).content_type == "application/pdf"
    assert reads and all(0 < size <= 1024 for size in reads)


def test_multi_picture_jpeg_from_a_phone_becomes_a_plain_jpeg(tmp_path: Path, workdir: Path) -> None:
    source = tmp_path / "portrait.jpg"
    _photo().save(source, format="MPO", save_all=True, append_images=[_photo((8, 4))], exif=_exif(orientation=6))
    assert Image.open(source).format == "MPO"

    prepared = prepare(source, workdir)

    assert (prepared.content_type, prepared.extension) == ("image/jpeg", ".jpg")
    image = _assert_clean(prepared.path)
    assert image.format == "JPEG"
    assert image.size == (20, 40)
