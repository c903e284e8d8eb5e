"""Naming the file a user sent when it is not an .xlsx workbook, and saying what to do, in Chinese.

Offices send what they have: a WPS or LibreOffice .ods, an Excel 97-2003 .xls, a password-protected
workbook, a CSV or a web page saved from a browser, a PDF or a photo of the table, a Word file, an archive.
Every upload of a workbook (the annex, the fill-in template) reads its bytes through reader.open_archive,
which asks here when the container is not an .xlsx.
"""

import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SAVE_AS = (
    "请用 Excel 或 WPS 表格打开它，选择“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再上传新文件。"
)
ORIGINAL = "系统只能读取 Excel 工作簿（.xlsx），请上传原始的电子表格。"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def describe_ole(data: bytes) -> str:
    """An OLE compound file: an encrypted .xlsx, an .xls, a .doc, or another old Office file."""
    if _utf16("EncryptedPackage") in data:
        return (
            "这是设置了打开密码的 Excel 工作簿，系统无法读取加密的文件。请在 Excel 中打开，"
            "取消密码（“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码）并保存为 .xlsx 后再上传。"
        )
    if _utf16("WordDocument") in data:
        return "这是 Word 文档（.doc），不是电子表格。" + ORIGINAL
    if _utf16("PowerPoint Document") in data:
        return "这是 PowerPoint 演示文稿（.ppt），不是电子表格。" + ORIGINAL
    return (
        "这是旧版 Excel（.xls，Excel 97-2003 格式）或 WPS 表格（.et）的工作簿，系统不能直接读取。" + SAVE_AS
    )


def describe_zip(archive: zipfile.ZipFile, names: set[str]) -> str:
    """A zip container that holds no Excel workbook."""
    mimetype = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
    if "opendocument.spreadsheet" in mimetype:
        return (
            "这是 OpenDocument 电子表格（.ods，LibreOffice 或 WPS 等保存的格式），系统不能直接读取。"
            + SAVE_AS
        )
    if "opendocument" in mimetype:
        return "这是 OpenDocument 文档（.odt/.odp），不是电子表格。" + ORIGINAL
    if any(n.startswith("word/") for n in names):
        return "这是 Word 文档（.docx），不是电子表格。" + ORIGINAL
    if any(n.startswith("ppt/") for n in names):
        return "这是 PowerPoint 演示文稿（.pptx），不是电子表格。" + ORIGINAL
    return "这是一个压缩包（.zip），里面没有 Excel 工作簿。请先解压，再上传其中的 .xlsx 文件。"


def describe_other(data: bytes) -> str:
    """Neither a zip nor an OLE file: say what it looks like."""
    head = data[:512].lstrip()
    lower = head.lower()
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，系统无法从 PDF 中读取表格。" + ORIGINAL + "不要上传 PDF 或扫描件。"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "这是图片文件，系统无法从图片中读取表格。" + ORIGINAL + "不要上传照片或截图。"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "这是压缩文件（RAR/7z/gz），请先解压，再上传其中的 .xlsx 工作簿。"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        return "这是 Excel 2003 XML 表格（.xml），系统不能直接读取。" + SAVE_AS
    if lower.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")) or b"<html" in lower:
        return "这是网页（HTML/XML）文件而不是 Excel 工作簿（常见于从网页或其他系统导出的“.xls”）。" + SAVE_AS
    if b"," in head or b"\t" in head:
        return "这是文本（CSV）文件而不是 Excel 工作簿，表头和格式无法识别。" + SAVE_AS
    return "无法识别的文件格式。" + ORIGINAL + "（Excel 2007 及以上版本保存的 .xlsx 文件）"
