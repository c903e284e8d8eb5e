"""Opening an uploaded workbook safely and reading its sheets as rows numbered the way Excel shows them.

Every check that protects the server runs on the zip directory and on a streaming scan of the XML
parts *before* any parser sees them: an oversized or over-compressed archive (zip bomb), an XML part
with a DTD (entity bomb), or a sheet whose cells lie far apart (a dense range of billions of cells)
is refused with a Chinese message. Only then does calamine (Rust, no DTD expansion) read the cells.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine

from portfolio.annex.formats import OLE_MAGIC, ZIP_MAGIC, describe_ole, describe_other, describe_zip
from portfolio.errors import DomainError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per part and overall
MAX_PARTS = 2000
MAX_ROWS = 99_999  # FAR_CELL below encodes these two limits
MAX_COLUMNS = 40
MAX_CELLS = 2_000_000
SCAN_CHUNK = 1 << 20

# A cell reference beyond column AN (40) or row 99,999: three letters, A[O-Z], [B-Z]x, or six digits.
FAR_CELL = re.compile(rb' r="(?:[A-Z]{3}|A[O-Z]|[B-Z][A-Z])[0-9]| r="[A-Z]{0,3}[0-9]{6}')


class UnreadableAnnex(DomainError):
    """The file is not a workbook we can open safely; nothing in it was looked at."""


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]]  # (Excel row number, cell values from column A)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (1-based)
    width: int = 0


def read_workbook(data: bytes) -> list[Sheet]:
    """Check the container, then read every visible sheet with vertical merges filled in."""
    archive = open_archive(data)
    scan_parts(archive)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        hidden = {m.name for m in book.sheets_metadata if str(m.visible).lower().endswith("hidden")}
        return [_read_sheet(book, name) for name in book.sheet_names if name not in hidden]
    except (UnreadableAnnex, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # calamine raises several types, and a Rust panic is a BaseException
        raise UnreadableAnnex(f"无法读取工作簿内容（文件可能已损坏）：{type(e).__name__}") from e


def open_archive(data: bytes) -> zipfile.ZipFile:
    """Recognise the container by its first bytes and check the zip directory before decompressing."""
    if not data or not data.strip():
        raise UnreadableAnnex("文件为空，请选择填好的 .xlsx 附件。")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableAnnex(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后再导入。")
    if data.startswith(OLE_MAGIC):
        raise UnreadableAnnex(describe_ole(data))
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableAnnex(describe_other(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnreadableAnnex("文件不完整或已损坏（压缩包无法打开），请重新导出或重新上传。") from e
    _check_directory(infos, len(data))
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UnreadableAnnex(describe_zip(archive, names))
    return archive


def _check_directory(infos: list[zipfile.ZipInfo], size: int) -> None:
    if len(infos) > MAX_PARTS:
        raise UnreadableAnnex("压缩包内文件数量异常，已拒绝导入。")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableAnnex(
            f"工作簿解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB（疑似压缩炸弹），已拒绝导入。"
        )
    if packed and total / max(packed, 1) > MAX_RATIO and total > 1024 * 1024:
        raise UnreadableAnnex("工作簿压缩比异常（疑似压缩炸弹），已拒绝导入。")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
            raise UnreadableAnnex(f"工作簿中的 {info.filename} 压缩比异常（疑似压缩炸弹），已拒绝导入。")
        if info.flag_bits & 0x1:
            raise UnreadableAnnex("工作簿已加密，请取消密码后再导入。")


def scan_parts(archive: zipfile.ZipFile) -> None:
    """Stream every XML part once: refuse DTDs and sheets whose cells span too large a range."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        is_sheet = info.filename.startswith("xl/worksheets/")
        limits = _SheetLimits(info.filename) if is_sheet else None
        try:
            with archive.open(info) as stream:
                carry = b""
                read = 0
                while chunk := stream.read(SCAN_CHUNK):
                    read += len(chunk)
                    if read > info.file_size + 1:  # the directory lied about the size
                        raise UnreadableAnnex("工作簿压缩包目录与内容不符（疑似压缩炸弹），已拒绝导入。")
                    # Scan up to the last complete tag; the rest is carried into the next chunk.
                    window = carry + chunk
                    cut = window.rfind(b">") + 1 or len(window)
                    window, carry = window[:cut], window[cut:]
                    if len(carry) > SCAN_CHUNK:
                        raise UnreadableAnnex("工作簿内容格式异常，已拒绝导入。")
                    _scan(window, limits)
                _scan(carry, limits)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as e:
            raise UnreadableAnnex("文件不完整或已损坏（解压失败），请重新导出或重新上传。") from e
        except RuntimeError as e:  # an encrypted member
            raise UnreadableAnnex("工作簿已加密，请取消密码后再导入。") from e


def _scan(window: bytes, limits: "_SheetLimits | None") -> None:
    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
        raise UnreadableAnnex("工作簿含有 DTD/实体声明（可能是 XML 炸弹），已拒绝导入。")
    if limits:
        limits.feed(window)


class _SheetLimits:
    """Refuse a sheet whose cells reach beyond the limits: calamine builds a dense range over them."""

    def __init__(self, part: str):
        self.part = part
        self.rows = 0
        self.cells = 0

    def feed(self, window: bytes) -> None:
        # Plain byte counts and one regex search keep this scan cheaper than the read it protects.
        self.rows += window.count(b"<row")
        self.cells += window.count(b"<c")
        if FAR_CELL.search(window) or self.rows > MAX_ROWS or self.cells > MAX_CELLS:
            raise UnreadableAnnex(
                f"工作表范围过大（单元格超出 {column_letter(MAX_COLUMNS)} 列或第 {MAX_ROWS} 行，"
                f"或超过 {MAX_CELLS} 个单元格），已拒绝导入。"
            )


def _read_sheet(book, name: str) -> Sheet:
    sheet = book.get_sheet_by_name(name)
    start_row, start_col = sheet.start or (0, 0)
    rows = []
    width = 0
    for offset, values in enumerate(sheet.iter_rows()):
        cells = [None] * start_col + [None if v == "" else v for v in values]
        width = max(width, len(cells))
        rows.append((start_row + offset + 1, cells))
    merges = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    result = Sheet(name=name, rows=rows, merges=merges, width=width)
    fill_vertical_merges(result)
    return result


def fill_vertical_merges(sheet: Sheet) -> None:
    """A vertically merged cell applies to every row it covers (e.g. one 责任单位 for three projects)."""
    if not sheet.rows:
        return
    first = sheet.rows[0][0]
    for r1, c1, r2, _c2 in sheet.merges:
        if r2 <= r1:
            continue
        top = _cell(sheet, r1 - first, c1 - 1)
        for r in range(r1 + 1, r2 + 1):
            index = r - first
            if 0 <= index < len(sheet.rows):
                cells = sheet.rows[index][1]
                while len(cells) < c1:
                    cells.append(None)
                cells[c1 - 1] = top


def _cell(sheet: Sheet, index: int, col: int):
    if 0 <= index < len(sheet.rows) and col < len(sheet.rows[index][1]):
        return sheet.rows[index][1][col]
    return None


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
