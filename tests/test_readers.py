"""HTML, PDF and Word releases become text the corpus can cite; bad files are named."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from assistant.corpus import parse_document, split_passages
from assistant.readers import UnreadableFile, date_from_name, read_document

TITLE = "Fisheries Council, 3-4 April 2031"
DATELINE = "Valletta, 3-4 April 2031"
KEY_PARAGRAPH = ("Ministers agreed catch limits for cod in the Baltic Sea, lowered by 12% from "
                 "last year. The Commission will report on inspections by June.")
KEY_SENTENCE = KEY_PARAGRAPH.split(" The Commission")[0]
QUOTE = ("“Eels need rivers that reach the sea. We will open old weirs and dams before the "
         "next spawning season,” said the minister.")
ATTRIBUTION = "Ilze Ozola, Latvian Minister of Agriculture"
NAME = "fisheries-3-4-april-2031"
NAV = "Meetings calendar"
COOKIE = "We use cookies to measure visits to this website."
FOOTER = "Contact the press office of the Council."


def plain(text: str) -> str:
    """Text a PDF core font can draw (latin-1: no curly quotes)."""
    return text.replace("“", '"').replace("”", '"')


def write_html(path: Path, article: str) -> Path:
    path.write_text(
        f"""<!DOCTYPE html><html><head><title>{TITLE} | Council of the EU</title>
<meta property="article:published_time" content="2031-04-03T09:00:00+02:00"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/calendar">{NAV}</a></li></ul></nav>
<div class="cookie-banner" id="cookie-consent"><p>{COOKIE}</p><button>Accept</button></div>
{article}
<footer><p>{FOOTER}</p><p>Copyright European Union 2024.</p></footer>
</body></html>""",
        encoding="utf-8",
    )
    return path


def write_release_html(path: Path) -> Path:
    return write_html(path, f"""<main><article><h1>{TITLE}</h1><p>{DATELINE}</p>
<h2>Baltic cod</h2><p>{KEY_PARAGRAPH}</p>
<h2>Eel recovery</h2><p>{QUOTE}</p><p>{ATTRIBUTION}</p></article></main>""")


def pdf_document(blocks: list[tuple[str, int]]) -> FPDF:
    """A PDF in a narrow column, so that a paragraph wraps over several lines."""
    pdf = FPDF()
    pdf.set_margins(55, 20, 55)
    pdf.add_page()
    for text, size in blocks:
        pdf.set_font("helvetica", "B" if size > 11 else "", size)
        pdf.multi_cell(0, size * 0.6, plain(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return pdf


def write_release_pdf(path: Path) -> Path:
    blocks = [(TITLE, 16), (DATELINE, 11), ("Baltic cod", 13), (KEY_PARAGRAPH, 11),
              ("Eel recovery", 13), (QUOTE, 11), (ATTRIBUTION, 11)]
    pdf_document(blocks).output(str(path))
    return path


def write_release_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph(DATELINE)
    document.add_heading("Baltic cod", level=1)
    document.add_paragraph(KEY_PARAGRAPH)
    document.add_heading("Eel recovery", level=1)
    document.add_paragraph(QUOTE)
    document.add_paragraph(ATTRIBUTION)
    document.save(path)
    return path


WRITERS = {"html": write_release_html, "pdf": write_release_pdf, "docx": write_release_docx}


@pytest.fixture(params=sorted(WRITERS))
def release(request, tmp_path) -> tuple[str, Path]:
    """The same release written as HTML, PDF or Word, its file name carrying the date."""
    kind = request.param
    return kind, WRITERS[kind](tmp_path / f"{NAME}.{kind}")


def front_matter(text: str) -> dict[str, str]:
    head = text.split("---\n")[1]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_the_key_paragraph_fits_three_lines_of_the_pdf(tmp_path):
    page = PdfReader(write_release_pdf(tmp_path / "r.pdf")).pages[0].extract_text()
    paragraph = page[page.index("Ministers"):page.index("June.")]
    assert len(paragraph.splitlines()) >= 3


def test_every_paragraph_comes_back_whole_on_one_line(release):
    kind, path = release
    lines = read_document(path).splitlines()
    for paragraph in (KEY_PARAGRAPH, QUOTE, ATTRIBUTION, DATELINE):
        assert (plain(paragraph) if kind == "pdf" else paragraph) in lines


def test_a_heading_is_a_block_of_its_own(release):
    _, path = release
    assert "\n\nBaltic cod\n\n" in read_document(path)
    assert "\n\nEel recovery\n\n" in read_document(path)


def test_front_matter_names_title_date_source_and_format(release):
    kind, path = release
    text = read_document(path)
    meta = front_matter(text)
    # The page's own date wins over the one in its file name.
    when = "3 April 2031" if kind == "html" else "3-4 April 2031"
    assert meta == {"title": TITLE, "date": when, "source": path.name, "format": kind}
    # The title opens the body once, not twice.
    assert text.split("---\n", 2)[2].startswith(f"{TITLE}\n\n{DATELINE}\n\n")


def test_the_corpus_cites_the_key_sentence_under_its_heading(release):
    _, path = release
    document = parse_document(read_document(path), Path(path.name))
    passages = split_passages(document)
    cited = [p for p in passages for s in p.sentences if p.sentence_text(s) == KEY_SENTENCE]
    assert len(cited) == 1
    assert cited[0].section == "Baltic cod"
    assert document.title == TITLE
    head = passages[0]
    assert head.id.endswith("#head") and DATELINE in head.text


def test_html_menus_cookie_banners_and_footers_are_left_out(tmp_path):
    text = read_document(write_release_html(tmp_path / "release.html"))
    for boilerplate in (NAV, "Home", COOKIE, FOOTER, "Copyright", "Council of the EU"):
        assert boilerplate not in text
    assert "date: 3 April 2031" in text


def test_html_bulleted_list_is_kept_on_a_page_without_an_article(tmp_path):
    # A hand-written page (no <article> or <main>): its list is part of the release.
    page = write_html(tmp_path / "release.html", f"""<h1>{TITLE}</h1><p>{DATELINE}</p>
<p>Ministers endorsed a declaration on eel recovery, which sets out three commitments:</p>
<ul><li>closing glass eel fisheries in the Baltic from the 1st of May 2032</li>
<li>restoring 40 river barriers a year</li></ul>
<p>{KEY_PARAGRAPH}</p>""")
    text = read_document(page)
    assert "- closing glass eel fisheries in the Baltic from the 1st of May 2032" in text
    assert "- restoring 40 river barriers a year" in text
    for boilerplate in (NAV, "Home", COOKIE, FOOTER, "Copyright"):
        assert boilerplate not in text


def test_a_pdf_paragraph_goes_on_over_a_page_break(tmp_path):
    class Headed(FPDF):
        def header(self):
            self.set_font("helvetica", size=8)
            self.cell(0, 5, "Council of the European Union - Press office", new_x="LMARGIN",
                      new_y="NEXT")

    pdf = Headed()
    pdf.set_margins(55, 20, 55)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.set_y(262)  # the paragraph starts near the foot of the first page
    pdf.multi_cell(0, 6.6, plain(KEY_PARAGRAPH + " " + QUOTE), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "long.pdf"))
    assert len(PdfReader(tmp_path / "long.pdf").pages) == 2
    text = read_document(tmp_path / "long.pdf")
    assert plain(KEY_PARAGRAPH + " " + QUOTE) in text.splitlines()
    assert "Press office" not in text.split("---\n", 2)[2]


def test_pdf_paragraphs_back_to_back_stay_apart(tmp_path):
    pdf = pdf_document([(KEY_PARAGRAPH, 11), (QUOTE, 11)])
    pdf.set_title("Baltic fisheries")
    pdf.output(str(tmp_path / "two.pdf"))
    text = read_document(tmp_path / "two.pdf")
    assert front_matter(text)["title"] == "Baltic fisheries"
    body = text.split("---\n", 2)[2]
    assert body.split("\n\n") == ["Baltic fisheries", KEY_PARAGRAPH, plain(QUOTE) + "\n"]


def test_word_table_cells_are_read_after_the_body_once_each(tmp_path):
    document = docx.Document()
    document.add_paragraph(KEY_PARAGRAPH)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Catch limits in tonnes"
    table.cell(1, 0).text, table.cell(1, 1).text = "Cod", "12 400"
    document.save(tmp_path / "table.docx")
    body = read_document(tmp_path / "table.docx").split("---\n", 2)[2]
    assert body.split("\n\n") == [KEY_PARAGRAPH, "Catch limits in tonnes", "Cod", "12 400\n"]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_text_files_come_back_as_written_with_unix_newlines(tmp_path, suffix):
    path = tmp_path / f"release{suffix}"
    path.write_bytes("---\r\ntitle: Café\r\n---\r\nFirst line.\r\n\r\nSecond\rline  \n".encode())
    assert read_document(path) == "---\ntitle: Café\n---\nFirst line.\n\nSecond\nline  \n"
    assert read_document(path) == path.read_text(encoding="utf-8")  # what the corpus reads


def test_a_file_named_without_a_date_takes_it_from_its_title_or_dateline(tmp_path):
    for write, name in ((write_release_pdf, "minutes.pdf"), (write_release_docx, "notes.docx")):
        text = read_document(write(tmp_path / name))
        assert "\ndate: 3-4 April 2031\n" in text.split("\n---\n")[0] + "\n"


@pytest.mark.parametrize(("file_name", "written"), [
    ("council-2031-04-03.pdf", "3 April 2031"),
    ("20310403_fisheries.docx", "3 April 2031"),
    ("fisheries-3-4-april-2031.html", "3-4 April 2031"),
    ("fisheries_3_April_2031.pdf", "3 April 2031"),
    ("report-april-2031.pdf", "April 2031"),
    ("release-12345678.pdf", ""),
    ("agrifish-2031-13-40.pdf", ""),
])
def test_a_date_in_the_file_name_is_written_as_a_release_writes_it(file_name, written):
    assert date_from_name(file_name) == written


def encrypted_pdf(path: Path) -> None:
    writer = PdfWriter(clone_from=write_release_pdf(path.with_name("plain.pdf")))
    writer.encrypt("pw")
    writer.write(path)


def scanned_pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))


def random_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/cod.txt", "not a photo")


def damaged_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")


def empty_docx(path: Path) -> None:
    docx.Document().save(path)


BAD_FILES = [
    ("secret.pdf", encrypted_pdf, "password-protected"),
    ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n" + random.Random(7).randbytes(3000)),
     "damaged or not a PDF"),
    ("scan.pdf", scanned_pdf, "no text layer"),
    ("menu.html", lambda p: write_html(p, ""), "no article text"),
    ("report.docx", lambda p: write_release_pdf(p), "holds a PDF, not a Word document; rename "
     "it to .pdf"),
    ("photos.docx", random_zip, "zip archive, not a Word document"),
    ("broken.docx", damaged_docx, "damaged or not a Word document"),
    ("empty.docx", empty_docx, "has no text"),
    ("data.txt", lambda p: p.write_bytes(bytes(range(256)) * 4), "not text"),
    ("latin.md", lambda p: p.write_bytes("Café".encode("latin-1")), "not UTF-8 text (byte 3)"),
    ("page.pdf", lambda p: write_release_html(p), "holds an HTML page, not a PDF"),
]


@pytest.mark.parametrize(("file_name", "write", "reason"), BAD_FILES,
                         ids=[name for name, _, _ in BAD_FILES])
def test_a_bad_file_is_refused_with_one_sentence_naming_it(tmp_path, file_name, write, reason):
    path = tmp_path / file_name
    write(path)
    with pytest.raises(UnreadableFile) as refused:
        read_document(path)
    message = str(refused.value)
    assert message.startswith(file_name) and message.endswith(".") and "\n" not in message
    assert reason in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"A release. " * 190)  # about 2 KB
    assert path.stat().st_size > 2000
    with pytest.raises(UnreadableFile, match=r"^big\.txt is 2 KB, over the 1000 bytes limit"):
        read_document(path, max_bytes=1000)
    assert read_document(path, max_bytes=5000).startswith("A release.")


def test_a_pdf_of_running_headers_and_page_numbers_only_is_refused(tmp_path):
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number in (1, 2):
        pdf.add_page()
        pdf.set_font("helvetica", size=10)
        pdf.cell(0, 10, "CONFIDENTIAL - Council of the EU")
        pdf.ln()
        pdf.set_y(-20)
        pdf.cell(0, 10, str(number))
    path = tmp_path / "empty-pages.pdf"
    pdf.output(str(path))
    with pytest.raises(UnreadableFile, match="empty-pages.pdf has no text besides"):
        read_document(path)


def test_html_side_boxes_do_not_date_or_fill_a_page_without_an_article(tmp_path):
    page = write_html(tmp_path / "release.html", f"""<h1>{TITLE}</h1>
<div class="downloads"><ul><li>Background brief on eels, 9 March 2031 (PDF)</li></ul></div>
<aside><p>Related: the eel regulation of 2029.</p></aside>
<p>{DATELINE}</p><p>{KEY_PARAGRAPH}</p>""")
    text = read_document(page)
    assert "Background brief" not in text and "Related:" not in text
    assert KEY_PARAGRAPH.split(".")[0] in text
