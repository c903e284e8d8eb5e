"""The progress sheet prints: LibreOffice turns it into a PDF of A3 landscape pages."""

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.projects.models import Plan
from tests.exports.sheets import open_xlsx
from tests.factories import make_period, make_project

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_progress_sheet_converts_to_pdf_pages(app, role_client, tmp_path):
    annex = Path(app.config["SEED_ANNEX"])
    plan = session.scalar(select(Plan).order_by(Plan.id))
    import_annex(None, annex.read_bytes(), annex.name, plan)
    period = make_period(plan, f"{plan.start_year + 2}Q4")
    session.commit()
    response = role_client("planner").get(f"/exports/periods/{period.id}/progress.xlsx")
    assert response.status_code == 200
    sheet = tmp_path / "progress.xlsx"
    sheet.write_bytes(response.data)
    # A private profile, so parallel LibreOffice runs do not share (and lock) one.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(sheet)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "progress.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert len(pages) >= 2  # 86 projects do not fit one page; the header repeats on each
    # A3 landscape: 420 × 297 mm is 1191 × 842 points.
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    width, height = float(box.group(1)), float(box.group(2))
    assert abs(width - 1190.55) < 2 and abs(height - 841.89) < 2


def test_page_footer_reads_in_chinese_while_the_sheet_xml_stays_ascii(app, role_client):
    """The footer 第 &P 页，共 &N 页 is written as character references: the sheet's XML holds no other
    non-ASCII text, and one such character doubled the memory XlsxWriter held the sheet's XML in."""
    plan = session.scalar(select(Plan).order_by(Plan.id))
    period = make_period(plan, f"{plan.start_year + 2}Q4")
    make_project(plan=plan, name="征地拆迁项目")
    session.commit()
    response = role_client("planner").get(f"/exports/periods/{period.id}/progress.xlsx")
    assert response.status_code == 200
    ws = open_xlsx(response.data).worksheets[0]
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert any(c.value == "征地拆迁项目" for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and all(archive.read(n).isascii() for n in sheets)
