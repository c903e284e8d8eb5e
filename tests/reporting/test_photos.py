"""Site photos: large ones reduced on the server, their EXIF time and GPS position shown beside them."""

import io
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import select

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import Plan
from portfolio.reporting.models import Attachment, StatusReport
from tests.factories import make_period, make_project
from tests.reporting.conftest import report_form


def _photo(width=3200, height=2400, exif=True) -> bytes:
    image = Image.effect_noise((width, height), 60).convert("RGB")  # noise: a realistically large JPEG
    data = image.getexif()
    if exif:
        data.get_ifd(0x8769)[0x9003] = "2026:03:14 09:26:53"
        gps = data.get_ifd(0x8825)
        gps.update({1: "N", 2: (35.0, 5.0, 24.0), 3: "E", 4: (113.0, 3.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=data.tobytes())
    return out.getvalue()


def _upload(client, files):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    period = make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=5))
    project = make_project(counties=["温县"])
    session.commit()
    data = report_form(save="暂存") | {"files": files}
    response = client.post(
        f"/reporting/periods/{period.id}/projects/{project.id}/report",
        data=data,
        content_type="multipart/form-data",
    )
    return response


def test_a_large_photo_is_reduced_and_its_exif_kept(role_client, users, app):
    original = _photo()
    officer = role_client("officer")
    response = _upload(officer, [(io.BytesIO(original), "现场.jpg")])
    assert response.status_code == 302
    stored = session.scalar(select(Attachment))
    assert stored.size_bytes < len(original) / 2
    with Image.open(app.config["UPLOAD_DIR"] + "/" + stored.stored_name) as image:
        assert max(image.size) == 2048
        assert image.getexif().get_ifd(0x8769)[0x9003] == "2026:03:14 09:26:53"
    assert stored.taken_at == datetime(2026, 3, 14, 9, 26, 53)
    assert (float(stored.gps_lat), float(stored.gps_lon)) == (35.09, 113.06)

    report = session.scalar(select(StatusReport))
    page = officer.get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "拍摄时间：2026-03-14 09:26" in page and "北纬 35.09°，东经 113.06°" in page
    inline = officer.get(f"/reporting/attachments/{stored.id}?inline=1")
    assert inline.headers["Content-Type"] == "image/jpeg" and "attachment" not in inline.headers.get(
        "Content-Disposition", ""
    )


def test_a_small_photo_without_exif_is_kept_as_it_came(role_client, users):
    small = _photo(640, 480, exif=False)
    _upload(role_client("officer"), [(io.BytesIO(small), "小图.jpg")])
    stored = session.scalar(select(Attachment))
    assert stored.size_bytes == len(small) and stored.taken_at is None and stored.gps_lat is None
    report = session.scalar(select(StatusReport))
    page = role_client("officer").get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "拍摄位置：照片未记录" in page


def test_a_broken_photo_is_refused_in_chinese_and_nothing_is_saved(role_client, users):
    broken = b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 100
    response = _upload(role_client("officer"), [(io.BytesIO(broken), "坏图.jpg")])
    assert response.status_code == 400
    assert "照片“坏图.jpg”已损坏或不是有效的图片" in response.get_data(as_text=True)
    assert session.scalar(select(Attachment)) is None and session.scalar(select(StatusReport)) is None


def test_the_form_offers_the_camera(role_client, users):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    period = make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=5))
    project = make_project(counties=["温县"])
    session.commit()
    page = role_client("officer").get(f"/reporting/periods/{period.id}/projects/{project.id}/report")
    assert 'capture="environment"' in page.get_data(as_text=True)
