"""Files -> the text the corpus reads: .md/.txt as they are; HTML, PDF and Word rebuilt
as front matter plus one block (heading or paragraph) per blank-line-separated paragraph."""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from datetime import date
from pathlib import Path

SUFFIXES = (".md", ".txt", ".html", ".htm", ".pdf", ".docx")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# What each suffix promises, and how a message names that kind of content.
_KIND_OF_SUFFIX = {".md": "text", ".txt": "text", ".html": "html", ".htm": "html",
                   ".pdf": "pdf", ".docx": "docx"}
_KIND_NAMES = {"text": "text", "html": "an HTML page", "pdf": "a PDF", "docx": "a Word document"}
_KIND_SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
_ISO_DATE = r"((?:19|20)\d\d)-(\d\d)-(\d\d)"
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<body", b"<head")
# Menus, footers and cookie or consent banners: never a release's text.
# Side boxes too (downloads, related links): read for their lists, they would date the
# release by a document they list.
_LOWER = ("translate(concat(@id, ' ', @class), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
          " 'abcdefghijklmnopqrstuvwxyz')")
_BOILERPLATE = ("//nav|//footer|//aside|//*[@role='navigation' or @role='contentinfo'"
                " or @role='complementary']"
                f"|//*[contains({_LOWER}, 'cookie') or contains({_LOWER}, 'consent')"
                f" or contains({_LOWER}, 'sidebar') or contains({_LOWER}, 'download')"
                f" or contains({_LOWER}, 'related')]")
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Lines that end a sentence; a heading never ends with these (nor with , : ;).
_SENTENCE_END = (".", "!", "?", "\"", "”", "’", "»")


def _is_heading(line: str) -> bool:
    """The corpus's rule for a heading line, so blocks are cut the way they will be read."""
    from .corpus import _is_heading as corpus_rule  # imported late: corpus imports this module

    return corpus_rule(line)


class UnreadableFile(ValueError):
    """A file that cannot become a release; its message is one sentence naming the file."""


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text the corpus reads for one file: .md/.txt decoded as they are (newlines
    normalised), HTML/PDF/DOCX as front matter (title, date, source, format) and blocks.

    Raises UnreadableFile, naming the file, when it cannot become a release."""
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(f"{name} is {_size(size)}, over the {_size(max_bytes)} limit "
                             "for one release.")
    data = path.read_bytes()
    expected = _KIND_OF_SUFFIX.get(path.suffix.lower())
    if expected is None:
        raise UnreadableFile(f"{name} is not a supported kind of file "
                             f"({', '.join(SUFFIXES)}).")
    found = _sniff(data)
    if found in _KIND_SUFFIX and found != expected and not (found == "html" and expected == "text"):
        # (Markdown may hold HTML: a .md or .txt file is read as text whatever it holds.)
        raise UnreadableFile(f"{name} holds {_KIND_NAMES[found]}, not {_KIND_NAMES[expected]}; "
                             f"rename it to {_KIND_SUFFIX[found]}.")
    if found == "zip":
        raise UnreadableFile(f"{name} is a zip archive, not {_KIND_NAMES[expected]}.")
    if found == "binary" and expected in ("text", "html"):
        raise UnreadableFile(f"{name} is not text (it holds binary data).")
    if expected == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFile(f"{name} is not UTF-8 text (byte {error.start}).") from None
        # The same text the corpus loader has always read: only line endings change.
        return text.replace("\r\n", "\n").replace("\r", "\n")
    reader = {"html": _read_html, "pdf": _read_pdf, "docx": _read_docx}[expected]
    title, when, blocks = reader(path, data)
    when = when or _date_in_opening(title, blocks) or date_from_name(path.name)
    return _as_text(path, expected, title, when, blocks)


_WRITTEN_DATE = re.compile(rf"\b(\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?) "
                           rf"({'|'.join(calendar.month_name[1:])}) ((?:19|20)\d\d)\b")


def _date_in_opening(title: str, blocks: list[str]) -> str:
    """The date a release states at its top, in its title or dateline
    ("Valletta, 3-4 April 2031"), or ""."""
    for line in [title, *blocks[:3]]:
        if match := _WRITTEN_DATE.search(line):
            return " ".join(match.groups())
    return ""


def date_from_name(file_name: str) -> str:
    """The release date a file name carries ("3 April 2031", "3-4 April 2031",
    "April 2031"), or "" when it carries none."""
    stem = Path(file_name).stem.lower()
    for pattern in (_ISO_DATE, _ISO_DATE.replace("-", "")):  # 2031-04-03 or 20310403
        for match in re.finditer(rf"(?<!\d){pattern}(?!\d)", stem):
            if written := _written_date(*map(int, match.groups())):
                return written
    words = rf"(?<![a-z0-9])(?:(\d{{1,2}})(?:-(\d{{1,2}}))?[-_ .])?({_MONTH_PATTERN})" \
            r"[-_ .]((?:19|20)\d\d)(?!\d)"
    for match in re.finditer(words, stem):
        first, last, month, year = match.groups()
        days = "-".join(str(int(day)) for day in (first, last) if day)
        if all(1 <= int(day) <= 31 for day in days.split("-") if day):
            month_name = calendar.month_name[_MONTHS[month]]
            return f"{days} {month_name} {year}".strip()
    return ""


def _written_date(year: int, month: int, day: int) -> str:
    """An ISO date as a release writes it ("3 April 2031"); "" if it is no real date."""
    try:
        return f"{day} {calendar.month_name[date(year, month, day).month]} {year}"
    except ValueError:
        return ""


def _sniff(data: bytes) -> str:
    """What the bytes are, whatever the suffix says: pdf, docx, zip, binary, html or text."""
    if b"%PDF-" in data[:1024]:  # the standard lets junk precede the marker
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "binary"
    if b"\x00" in data:
        return "binary"
    head = data[:2048].lower()
    return "html" if any(marker in head for marker in _HTML_MARKERS) else "text"


def _read_html(path: Path, data: bytes) -> tuple[str, str, list[str]]:
    import trafilatura
    from lxml import html

    extracted = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True,
        # (without it, a page with no <article> loses its bulleted lists)
        favor_recall=True,
        # trafilatura drops these from a page with an article, but falls back on them
        # when there is none.
        prune_xpath=_BOILERPLATE,
        # Only dates the page states: no guess from a footer's copyright year, and a
        # release dated after today (an embargo) is still dated.
        date_extraction_params={"original_date": True, "extensive_search": False,
                                "max_date": "2999-12-31"},
    )
    blocks = [_one_line(line) for line in (extracted.text or "").splitlines()] \
        if extracted else []
    blocks = [block for block in blocks if block]
    # Left-over menus ("Home", "Press releases") are all short headings: no paragraph.
    if all(_is_heading(block) for block in blocks):
        raise UnreadableFile(f"{path.name} has no article text to answer from.")
    tree = html.fromstring(data)
    title = extracted.title or _without_site_name(" ".join(tree.xpath("//title//text()")))
    found = tree.xpath("//meta[@property='article:published_time']/@content"
                       "|//meta[@name='date']/@content|//time/@datetime")
    when = extracted.date or next((value for value in found if value.strip()), "")
    return title, _iso_as_written(when), blocks


def _without_site_name(title: str) -> str:
    """A <title> without the site's name after " | " or " - "."""
    for separator in (" | ", " - ", " – ", " — "):
        if separator in title:
            return title.rsplit(separator, 1)[0]
    return title


def _iso_as_written(value: str) -> str:
    """An ISO date or time stamp as "3 April 2031"; any other value unchanged."""
    match = re.match(_ISO_DATE, value.strip())
    return (match and _written_date(*map(int, match.groups()))) or value


def _read_pdf(path: Path, data: bytes) -> tuple[str, str, list[str]]:
    import logging

    from pypdf import PdfReader

    # pypdf logs what it repairs ("EOF marker not found"); a damaged file gets our message.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise UnreadableFile(f"{path.name} is password-protected; "
                                 "add an unprotected copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "")
    except UnreadableFile:
        raise
    except Exception as error:  # pypdf fails on damaged files with many error types
        raise UnreadableFile(f"{path.name} is damaged or not a PDF.") from error
    if not any(page.strip() for page in pages):
        raise UnreadableFile(f"{path.name} has no text layer (is it a scan?); "
                             "run OCR on it first.")
    words = set(re.findall(r"\w+", " ".join(pages).lower()))
    lines = _page_lines(pages)
    first_line = next((line for page in lines for line in page if line), "")
    blocks = _pdf_blocks(lines, words)
    if not first_line or not blocks:  # only page numbers and running headers
        raise UnreadableFile(f"{path.name} has no text besides page numbers and headers.")
    # The creation date in the metadata says when the file was made, not the release.
    return title or first_line, "", blocks


def _opens_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. an AES file without the cryptography package
        return False


def _page_lines(pages: list[str]) -> list[list[str]]:
    """Each page's lines, without page numbers and running headers or footers."""
    pages_lines = [[_one_line(line) for line in page.splitlines()] for page in pages]
    edges = [{*filter(None, lines[:2]), *filter(None, lines[-2:])} for lines in pages_lines]
    # A line at the top or bottom of every page (of two or more) is a running header.
    running = set.intersection(*edges) if len(pages) > 1 else set()
    return [[line for line in lines if not line.isdigit() and line not in running]
            for lines in pages_lines]


def _pdf_blocks(pages: list[list[str]], words: set[str]) -> list[str]:
    """The pages' lines rebuilt into headings and paragraphs; a paragraph may go on
    over a page break."""
    # Each line with the length of a full line on its page.
    lines = [(line, max(map(len, page), default=0)) for page in pages for line in page]

    def is_heading(i: int) -> bool:
        # A short line without final punctuation, before a line starting with a capital
        # or a digit (after any opening quote), or at the end, is a heading.
        last = i + 1 == len(lines)
        starts = "" if last else lines[i + 1][0].lstrip("\"'“‘„«([")[:1]
        return bool(lines[i][0]) and _is_heading(lines[i][0]) \
            and (last or starts.isupper() or starts.isdigit())

    blocks: list[str] = []
    paragraph = ""
    for i, (line, longest) in enumerate(lines):
        if not line:  # a blank line always ends a paragraph
            blocks.append(paragraph)
            paragraph = ""
            continue
        # A heading starts a block; a line after an unfinished sentence continues it.
        if is_heading(i) and (not paragraph or paragraph.endswith(_SENTENCE_END)):
            blocks.extend((paragraph, line))
            paragraph = ""
            continue
        paragraph = _joined(paragraph, line, words)
        # A finished sentence ends the paragraph on a line clearly shorter than a full one
        # (a wrapped paragraph's last line), or before a blank line or a heading.
        next_starts_block = i + 1 == len(lines) or not lines[i + 1][0] or is_heading(i + 1)
        if line.endswith(_SENTENCE_END) and (len(line) < 0.75 * longest or next_starts_block):
            blocks.append(paragraph)
            paragraph = ""
    blocks.append(paragraph)
    return [block for block in blocks if block]


def _joined(paragraph: str, line: str, words: set[str]) -> str:
    """The paragraph with its next line; a word split by a hyphen at the line's end is
    rejoined when the whole word occurs elsewhere in the document ("inspec- tions"),
    else the hyphen stays ("well- known" -> "well-known")."""
    if not paragraph:
        return line
    if paragraph.endswith("\u00ad"):  # a soft hyphen only ever breaks a word
        return paragraph[:-1] + line
    split = re.search(r"(\w+)-$", paragraph)
    if split and line[:1].islower():
        rest = re.match(r"\w+", line)
        whole = split.group(1) + (rest.group() if rest else "")
        return paragraph[:-1] + line if whole.lower() in words else paragraph + line
    return f"{paragraph} {line}"


def _read_docx(path: Path, data: bytes) -> tuple[str, str, list[str]]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                previous = None
                for cell in row.cells:
                    if cell._tc is not previous:  # a merged cell repeats along its row
                        paragraphs.extend(cell.paragraphs)
                    previous = cell._tc
        blocks = [(_one_line(p.text), p.style.name if p.style else "") for p in paragraphs]
        title = document.core_properties.title or ""
    except Exception as error:  # python-docx fails on damaged files with many error types
        raise UnreadableFile(f"{path.name} is damaged or not a Word document.") from error
    blocks = [(text, style) for text, style in blocks if text]
    if not blocks:
        raise UnreadableFile(f"{path.name} has no text.")
    styled = (text for text, style in blocks if style.startswith(("Title", "Heading")))
    title = _one_line(title) or next(styled, blocks[0][0])
    return title, "", [text for text, _ in blocks]


def _as_text(path: Path, kind: str, title: str, when: str, blocks: list[str]) -> str:
    """Front matter, the title as the first line, then the blocks, a blank line apart."""
    title = _one_line(title) or path.stem
    values = {"title": title, "date": when, "source": path.name, "format": kind}
    front = [f"{key}: {_one_line(value)}" for key, value in values.items() if _one_line(value)]
    if blocks and blocks[0] == title:
        blocks = blocks[1:]
    return "\n".join(["---", *front, "---", "\n\n".join([title, *blocks])]) + "\n"


def _one_line(text: str) -> str:
    """Text on one line: runs of white space (newlines too) become one space."""
    return " ".join(text.split())


def _size(n_bytes: int) -> str:
    """A file size the way a person says it: "52.4 MB", "20 MB", "2 KB"."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    unit, scale = ("MB", 1024 * 1024) if n_bytes >= 1024 * 1024 / 10 else ("KB", 1024)
    return f"{n_bytes / scale:.1f}".removesuffix(".0") + f" {unit}"
