"""What a kept document is, decided by its content rather than its name, and made safe to keep.

Only the head of a file is read to identify it. PDFs and Word documents are kept as they came;
photographs are decoded, turned upright and written again without EXIF, XMP or GPS metadata.
"""

from __future__ import annotations

import struct
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps

from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l

pillow_heif.register_heif_opener()

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
HEIF = "image/heif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Content type recognised -> extension of the file kept. HEIC and HEIF are kept as JPEG.
ACCEPTED: dict[str, str] = {
    PDF: ".pdf",
    JPEG: ".jpg",
    PNG: ".png",
    WEBP: ".webp",
    HEIC: ".jpg",
    HEIF: ".jpg",
    DOCX: ".docx",
}

HEAD_BYTES = 1024
FIELD = "file"
_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs")
_HEIF_BRANDS = (b"mif1", b"msf1")
# Content type of an image read -> (Pillow plugin that opens it, formats it may report, Pillow format written).
_IMAGES: dict[str, tuple[str, tuple[str, ...], str]] = {
    JPEG: ("JPEG", ("JPEG", "MPO"), "JPEG"),
    PNG: ("PNG", ("PNG",), "PNG"),
    WEBP: ("WEBP", ("WEBP",), "WEBP"),
    HEIC: ("HEIF", ("HEIF",), "JPEG"),
    HEIF: ("HEIF", ("HEIF",), "JPEG"),
}
_WRITTEN_AS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}
_DECODING_ERRORS = (OSError, ValueError, EOFError, SyntaxError, struct.error)


@dataclass(frozen=True)
class Prepared:
    path: Path  # the file to store: the input itself for PDF and DOCX, a new file in workdir for images
    content_type: str
    extension: str


def _not_accepted() -> ValidationError:
    return ValidationError(
        str(
            _l(
                "This type of file is not accepted. Upload a PDF, a JPEG, PNG, HEIC or WebP image, or a Word document (.docx)."
            )
        ),
        FIELD,
    )


def _damaged() -> ValidationError:
    return ValidationError(
        str(
            _l("The file could not be opened: it may be damaged or incomplete. Save or scan it again, then upload it.")
        ),
        FIELD,
    )


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file announce, or None when it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return HEIC
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIF
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    if b"%PDF-" in head[:HEAD_BYTES]:
        return PDF
    return None


def prepare(path: Path, workdir: Path) -> Prepared:
    """Identify the file at `path` by its content and make it ready to keep (images are rewritten into `workdir`)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise ValidationError(str(_l("The file is empty.")), FIELD)
    content_type = sniff(head)
    if content_type is None:
        raise _not_accepted()
    if content_type == PDF:
        return Prepared(path, PDF, ACCEPTED[PDF])
    if content_type == DOCX:
        _check_docx(path)
        return Prepared(path, DOCX, ACCEPTED[DOCX])
    return _rewrite_image(path, workdir, content_type, lossless=_webp_lossless(head))


def _webp_lossless(head: bytes) -> bool:
    """Whether the WebP file starting with `head` holds a lossless (VP8L) image, as far as its head tells."""
    offset = 12
    while offset + 8 <= len(head):
        fourcc, size = head[offset : offset + 4], int.from_bytes(head[offset + 4 : offset + 8], "little")
        if fourcc in (b"VP8L", b"VP8 "):
            return fourcc == b"VP8L"
        offset += 8 + size + (size & 1)
    return False


def _check_docx(path: Path) -> None:
    try:
        if not zipfile.is_zipfile(path):
            raise _damaged()
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _damaged() from error
    if "word/vbaProject.bin" in names:  # a macro-enabled document (.docm) renamed .docx
        raise _not_accepted()
    if not {"word/document.xml", "[Content_Types].xml"} <= names:
        raise ValidationError(
            str(
                _l(
                    "This ZIP archive is not a Word document (.docx). Upload a PDF, a JPEG, PNG, HEIC or WebP image, or a Word document (.docx)."
                )
            ),
            FIELD,
        )


def _rewrite_image(path: Path, workdir: Path, content_type: str, *, lossless: bool) -> Prepared:
    plugin, formats, written = _IMAGES[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[plugin]) as opened:
                if opened.format not in formats:
                    raise _damaged()
                icc_profile = opened.info.get("icc_profile")
                image = ImageOps.exif_transpose(opened)  # decodes the whole image: truncation shows here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            str(_l("The image is too large to process. Send a smaller photo or a scan at a lower resolution.")),
            FIELD,
        ) from error
    except _DECODING_ERRORS as error:
        raise _damaged() from error
    # Nothing of the original's metadata goes on but the colour profile and a palette's transparency.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    options: dict[str, object] = {"icc_profile": icc_profile}
    if written == "JPEG":
        image = _for_jpeg(image)
        options["quality"] = 90
    elif written == "WEBP" and lossless:
        options["lossless"] = True
    elif written == "WEBP":
        options["quality"] = 90
    extension = ACCEPTED[_WRITTEN_AS[written]]
    target = workdir / f"{uuid.uuid4().hex}{extension}"
    try:
        image.save(target, format=written, **options)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Prepared(target, _WRITTEN_AS[written], extension)


def _for_jpeg(image: Image.Image) -> Image.Image:
    """`image` in a mode JPEG can hold; transparent areas become white."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
