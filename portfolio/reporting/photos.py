"""Site photos: large pictures reduced on upload, and the EXIF time and GPS position read as evidence.

Phones take 4000-pixel, 5 MB pictures; a report needs them legible, not print-ready. Pillow decodes,
turns the picture upright, shrinks it to MAX_SIDE and re-encodes it; the time it was taken and where,
when the camera recorded them, are kept on the attachment and shown beside the photo.
"""

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from PIL import Image, ImageOps, UnidentifiedImageError

from portfolio.errors import DomainError

MAX_SIDE = 2048  # pixels on the longer side
REDUCE_ABOVE_BYTES = 1024 * 1024  # smaller files are stored as they came unless too many pixels
MAX_PIXELS = 80_000_000  # refuse decompression bombs well before they fill memory
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 0x9003, 0x0132


@dataclass(frozen=True)
class PhotoInfo:
    taken_at: datetime | None  # as the camera's clock said (local time, no zone)
    latitude: Decimal | None  # degrees, north positive
    longitude: Decimal | None  # degrees, east positive


def _degrees(value, ref) -> Decimal | None:
    try:
        d, m, s = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = (d + m / 60 + s / 3600).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return -degrees if str(ref).upper() in ("S", "W") else degrees


def read_exif(image: Image.Image) -> PhotoInfo:
    """The time the photo was taken and its GPS position, where the camera recorded them."""
    exif = image.getexif()
    stamp = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    taken = None
    if isinstance(stamp, str):
        try:
            taken = datetime.strptime(stamp.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken = None
    gps = exif.get_ifd(GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1)) if gps.get(2) else None
    lon = _degrees(gps.get(4), gps.get(3)) if gps.get(4) else None
    return PhotoInfo(taken, lat, lon)


def _open(name: str, content: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(f"照片“{name}”像素过多（{image.width}×{image.height}），无法处理。")
            image.load()
        return image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise DomainError(f"照片“{name}”像素过多，无法处理。") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise DomainError(f"照片“{name}”已损坏或不是有效的图片，请重新拍摄或导出后上传。") from e


def prepare_photo(name: str, content: bytes, content_type: str) -> tuple[bytes, PhotoInfo]:
    """The bytes to store (reduced when large, turned upright) and what the EXIF says about the photo."""
    image = _open(name, content)
    info = read_exif(image)
    big = max(image.size) > MAX_SIDE or len(content) > REDUCE_ABOVE_BYTES
    if not big:
        return content, info
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    exif = image.getexif()
    exif.pop(0x0112, None)  # the orientation is now in the pixels
    out = io.BytesIO()
    if content_type == "image/jpeg":
        upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True, exif=exif.tobytes())
    else:
        upright.save(out, "PNG", optimize=True)
    reduced = out.getvalue()
    return (reduced, info) if len(reduced) < len(content) else (content, info)
