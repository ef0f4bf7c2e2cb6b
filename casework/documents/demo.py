"""What `casework demo` keeps for the demo families: a Notice to Appear and a work permit that ends
soon (a task and a dashboard alert), fictional and marked as demo."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, User
from casework.cases.models import Case
from casework.documents import services
from casework.documents.models import Document, DocumentType
from casework.extensions import registry
from casework.families.models import Family
from casework.timeutil import today_in


def _pdf(title: str) -> bytes:
    """A one-page PDF that says what it is."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj 0 -28 Td (DEMO - fictional, not a real document) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _card(title: str) -> bytes:
    """A photograph of a card, as a phone would take it."""
    image = Image.new("RGB", (640, 400), (236, 240, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 380), outline=(31, 95, 168), width=6)
    draw.text((48, 60), title, fill=(29, 36, 48))
    draw.text((48, 110), "DEMO - fictional, not a real document", fill=(164, 38, 44))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def load(session: Session, program: Organization) -> str:
    if session.scalar(select(exists().where(Document.family_id == Family.id, Family.program_id == program.id))):
        return "Demo documents already kept; nothing changed."
    today = today_in(program.timezone)
    subjects = registry(current_app).document_subjects
    rows = session.execute(
        select(Family, User)
        .join(Case, Case.family_id == Family.id)
        .join(User, Case.assigned_to_id == User.id)
        .where(Family.program_id == program.id)
        .order_by(Family.id)
        .limit(3)
    ).all()
    for index, (family, manager) in enumerate(rows):
        notice = services.NewDocument(
            DocumentType.NOTICE_TO_APPEAR, "family", family.id, None, today - timedelta(days=40), None, False, "NTA.pdf"
        )
        services.add_document(
            session, manager, family, notice, io.BytesIO(_pdf("Notice to Appear (I-862)")), 20_000_000, subjects, today
        )
        permit = services.NewDocument(
            DocumentType.WORK_PERMIT,
            "family",
            family.id,
            family.members[0].id,
            today - timedelta(days=300),
            today + timedelta(days=45 + 30 * index),
            False,
            "EAD.jpg",
        )
        services.add_document(
            session, manager, family, permit, io.BytesIO(_card("Employment Authorization")), 20_000_000, subjects, today
        )
    return f"Demo documents: {2 * len(rows)} files kept for {len(rows)} families."
