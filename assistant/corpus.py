"""Documents -> passages with stable ids, exact character spans and sentences."""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .readers import DEFAULT_MAX_BYTES, SUFFIXES, UnreadableFile, read_document
from .text import content_words, stem, words
from .types import Document, Passage, Span

# Bump when the way text is cut into passages (or what is embedded for them) changes:
# the index is rebuilt.
SPLITTER_VERSION = "paragraphs-v11"
CACHE_VERSION = 1  # bump when Document's fields change: the corpus cache is read anew
DOCUMENT_SUFFIXES = SUFFIXES
MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 14
# A document's first line may be a long title ("Fisheries Council, Bergen, 11 March
# 2031: ministers agree …"); no other heading is this long.
MAX_TITLE_CHARS = 250
DATELINE_WORDS = 6  # "Bergen, 11 March 2031." as a sentence of its own

# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "st", "no", "nr", "vs",
    "art", "para", "approx", "cf", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "fig", "ca", "u.s", "e.u",
}
# A sentence ends at . ! ? (and closing quotes) before white space and a capital
# or a digit; the capital is checked in code so that "Österreich" counts too.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?(\w))")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)


class CorpusError(ValueError):
    """The corpus folder cannot be used at all (missing, or no readable document)."""


@dataclass
class Corpus:
    """The documents of a folder and the files that were skipped. A document is cut
    into passages when first asked for, so a process that answers a few questions
    cuts only the releases it reads."""

    documents: list[Document]
    problems: list[str] = field(default_factory=list)
    folder: Path | None = None  # where the documents' paths start

    def __post_init__(self):
        self._by_slug = {d.slug: d for d in self.documents}
        self._split: dict[str, dict[str, Passage]] = {}  # slug -> its passages by id
        self._all: list[Passage] | None = None

    @property
    def passages(self) -> list[Passage]:
        """Every passage, in corpus order (cuts every document the first time)."""
        if self._all is None:
            self._all = [p for d in self.documents for p in self.passages_of(d.slug)]
        return self._all

    def slugs(self) -> list[str]:
        """The documents' slugs, in corpus order."""
        return [d.slug for d in self.documents]

    def passages_of(self, slug: str) -> list[Passage]:
        """The passages of one document, in reading order."""
        return list(self._passages_by_id(slug).values())

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id."""
        return self._passages_by_id(passage_id.split("#", 1)[0])[passage_id]

    def has_passage(self, passage_id: str) -> bool:
        """Whether a passage with this id exists."""
        return passage_id in self._passages_by_id(passage_id.split("#", 1)[0])

    def subset(self, slugs: set[str]) -> Corpus:
        """The same corpus with only these documents."""
        return Corpus([d for d in self.documents if d.slug in slugs], self.problems, self.folder)

    def document(self, slug: str) -> Document:
        """The document with this slug."""
        return self._by_slug[slug]

    def _passages_by_id(self, slug: str) -> dict[str, Passage]:
        if slug not in self._split:
            document = self._by_slug.get(slug)
            passages = split_passages(document) if document else []
            self._split[slug] = {p.id: p for p in passages}
        return self._split[slug]


def load_corpus(folder: Path | str, max_bytes: int = DEFAULT_MAX_BYTES,
                cache: Path | None = None, save: bool = True,
                state: tuple | None = None) -> Corpus:
    """Read every release file under folder (.md, .txt, .html, .pdf, .docx); files that
    cannot be read are reported, not fatal. cache: a file that keeps what was read,
    reused while no release file changed (name, size, modification time), so a start
    does not read and parse every file again; save: write it when it is stale;
    state: the folder_state the caller already took (taken here when None)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"Corpus folder {folder} does not exist. Point ASSISTANT_CORPUS_DIR "
            "(or --corpus) at a folder of releases (.md, .txt, .html, .pdf, .docx)."
        )
    state = folder_state(folder) if state is None else state
    key = repr((CACHE_VERSION, SPLITTER_VERSION, max_bytes, state))
    cached = _read_cache(cache, key) if cache else None
    if cached:
        return Corpus(*cached, folder)
    corpus = _read_folder(folder, max_bytes)
    if cache and save:
        _write_cache(cache, key, corpus)
    return corpus


def _read_cache(cache: Path, key: str) -> tuple[list[Document], list[str]] | None:
    try:
        saved = marshal.loads(cache.read_bytes())
        if saved["key"] != key:
            return None
        return [Document(*fields) for fields in saved["documents"]], saved["problems"]
    except (OSError, EOFError, ValueError, TypeError, KeyError):  # none yet, or damaged
        return None


def _write_cache(cache: Path, key: str, corpus: Corpus) -> None:
    documents = [(d.slug, d.title, d.path, d.text, d.meta, d.fingerprint, d.body_start)
                 for d in corpus.documents]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f".{cache.name}.{os.getpid()}")
        partial.write_bytes(marshal.dumps(
            {"key": key, "documents": documents, "problems": corpus.problems}))
        os.replace(partial, cache)  # in one step: another process may be reading it
    except (OSError, ValueError):  # a read-only data folder: read the files next time too
        pass


def _read_folder(folder: Path, max_bytes: int) -> Corpus:
    inside = folder.resolve()
    documents, problems, seen, contents = [], [], set(), {}
    for path in sorted(folder.rglob("*"), key=_reading_order):
        relative = path.relative_to(folder)
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        # A link may not bring in a file from outside the corpus folder (/etc/passwd).
        try:
            target = path.resolve(strict=path.is_symlink())
        except (OSError, RuntimeError):  # a link to nothing, or a loop of links
            problems.append(f"{path}: a link that leads nowhere (or to itself); skipped.")
            continue
        if not target.is_relative_to(inside):
            problems.append(f"{path}: a link to a file outside the corpus folder; skipped.")
            continue
        if not path.is_file():
            if path.exists() or path.is_symlink():
                problems.append(f"{path}: not a regular file; skipped.")
            continue
        try:
            raw = read_document(path, max_bytes)
        except UnreadableFile as error:
            problems.append(f"{path}: {error} Skipped.")
            continue
        except OSError as error:
            problems.append(f"{path}: cannot be read ({error.strerror}); skipped.")
            continue
        if raw in contents:
            problems.append(f"{path}: the same text as {contents[raw]}; skipped.")
            continue
        document = parse_document(raw, relative, taken=seen)
        if not document.text.strip():
            problems.append(f"{path}: empty; skipped.")
            continue
        if not _has_paragraph(document):
            problems.append(f"{path}: only headings, no paragraph to answer from; skipped.")
            continue
        seen.add(document.slug)
        contents[raw] = relative
        documents.append(document)
    if not documents:
        detail = " ".join(problems) or "It holds no .md, .txt, .html, .pdf or .docx file."
        raise CorpusError(f"No readable document in {folder}. {detail}")
    return Corpus(documents, problems, folder)


def _reading_order(path: Path) -> tuple:
    """Files in name order, and of one release in several formats the text first: the
    plain slug stays with the same file when another format of it is added."""
    suffix = path.suffix.lower()
    rank = DOCUMENT_SUFFIXES.index(suffix) if suffix in DOCUMENT_SUFFIXES else 99
    return (str(path.parent), path.stem, rank, path.name)


def folder_state(folder: Path | str) -> tuple:
    """What changes when a release file is added, edited or removed (names, sizes,
    modification times): cheap enough to poll."""
    state = []
    for path in Path(folder).rglob("*"):
        if path.suffix.lower() in DOCUMENT_SUFFIXES:
            try:
                stat = path.stat()
            except OSError:  # removed while we looked, or a broken link
                continue
            state.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(state))


def parse_document(raw: str, relative: Path, taken: set[str] = frozenset()) -> Document:
    """Read optional front matter; the whole file is kept byte for byte as the text, so
    front-matter values can be cited like any sentence."""
    raw = raw.removeprefix("\ufeff")
    meta: dict[str, str] = {}
    body, body_start = raw, 0
    match = _FRONT_MATTER.match(raw)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        body, body_start = raw[match.end():], match.end()
    name = meta.get("slug") or str(relative.with_suffix(""))
    slug = slugify(name)
    if slug == "document":  # a name with no ASCII letters: keep it stable all the same
        slug = "document-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    base, n = slug, 2
    if slug in taken:  # the same release in another format: "x" and "x-pdf"
        slug = f"{base}-{relative.suffix.lstrip('.').lower()}".rstrip("-")
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    title = meta.get("title") or _first_heading(body) or relative.stem
    digest = hashlib.sha256((SPLITTER_VERSION + title + raw).encode()).hexdigest()
    return Document(slug, title, str(relative), raw, meta, digest[:16], body_start)


def slugify(name: str) -> str:
    """A URL- and id-safe name: lowercase ASCII words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "document"


def split_passages(document: Document) -> list[Passage]:
    """Paragraphs become passages; short unpunctuated lines become section headings.

    The front-matter values and the lines that open the document (title, dateline)
    form one header passage, "<slug>#head", so where and when can be cited. A short
    line right after a quotation is its attribution ("Jane Doe, Minister of X") and
    stays in the quotation's passage."""
    text = document.text
    spans = [(s + document.body_start, e + document.body_start)
             for s, e in _paragraph_spans(text[document.body_start:])]
    header = _front_matter_values(document)
    n = _opening_lines([text[s:e] for s, e in spans])
    header += spans[:n]
    passages: list[Passage] = []
    if header:
        lines, seen = [], set()
        for s, e in header:  # a label ("Press release") or a repeated title says nothing new
            line = text[s:e].lstrip("#").strip()
            if not _is_label(line) and line not in seen:
                seen.add(line)
                lines.append(Span(e - len(text[s:e].lstrip("#").lstrip()), e))
        if lines:
            passages.append(_passage(document, "head", header[0][0], header[-1][1], "",
                                     tuple(lines)))
    # The last opening line is the heading of what follows, as any heading is.
    section = text[spans[n - 1][0]:spans[n - 1][1]].lstrip("#").strip() if n else ""
    for at, (start, end) in enumerate(spans[n:], n + 1):
        paragraph = text[start:end]
        previous = passages[-1] if passages else None
        # (Only right after the quotation mark: a heading after the attribution, or
        # after a quotation attributed on its own next line, starts a section again.)
        if previous and (_is_heading(paragraph) or _attribution_line(paragraph)) \
                and closes_quotation(previous.text) and previous.id != f"{document.slug}#head":
            passages[-1] = _passage(document, previous.id.rsplit("#", 1)[1], previous.start,
                                    end, previous.section,
                                    (*previous.sentences, Span(start, end)))
            continue
        # A list stays with the sentence that announces it ("… in three states:"), item
        # after item, even an item as short as a heading ("- Latvia").
        if previous and previous.id != f"{document.slug}#head" and _LIST_ITEM.match(paragraph) \
                and (previous.text.rstrip().endswith(":") or _LIST_ITEM.match(
                    previous.sentence_text(previous.sentences[-1]))):
            items = tuple(Span(start + s, start + e) for s, e in split_sentences(paragraph))
            passages[-1] = _passage(document, previous.id.rsplit("#", 1)[1], previous.start,
                                    end, previous.section, (*previous.sentences, *items))
            continue
        # A short line that heads nothing (the document's last) or names someone after
        # a dash ("— Jane Doe, Minister of X") is text to cite, not a heading.
        if _is_heading(paragraph) and at < len(spans) and not _dash_attribution(paragraph):
            section = paragraph.lstrip("#").strip()
            continue
        sentences = tuple(Span(start + s, start + e) for s, e in split_sentences(paragraph))
        body_count = len(passages) - (1 if header else 0)
        passages.append(_passage(document, f"p{body_count + 1}", start, end, section, sentences))
    return passages


_LIST_ITEM = re.compile(r"\s*(?:[-•*–]|\d{1,2}[.)])\s")


def _has_paragraph(document: Document) -> bool:
    """Whether the body holds a paragraph to answer from, not only headings."""
    body = document.text[document.body_start:]
    return any(not _is_heading(body[s:e]) for s, e in _paragraph_spans(body))


def _passage(document: Document, name: str, start: int, end: int, section: str,
             sentences: tuple[Span, ...]) -> Passage:
    return Passage(
        id=f"{document.slug}#{name}",
        doc_slug=document.slug,
        doc_title=document.title,
        section=section,
        start=start,
        end=end,
        text=document.text[start:end],
        sentences=sentences,
    )


# Keys whose values say how to handle a file, not what it reports.
_HANDLING_KEYS = {"slug", "kind", "layout", "tags", "lang", "language", "draft", "source",
                  "format"}


def _front_matter_values(document: Document) -> list[tuple[int, int]]:
    """Spans of the front-matter values worth citing (title, date, place, ...)."""
    if not document.body_start:
        return []
    spans = []
    for line in re.finditer(r"^([\w-]+)[ \t]*:[ \t]*(.+?)[ \t]*$",
                            document.text[:document.body_start], re.M):
        if line.group(1).lower() in _HANDLING_KEYS:
            continue
        start, end = line.span(2)
        value = line.group(2)
        # Quotes around a YAML value are syntax, not text.
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            start, end = start + 1, end - 1
        if end > start:
            spans.append((start, end))
    return spans


def _attribution_line(paragraph: str) -> bool:
    """One line, however long, naming someone and their role: two to four capitalised
    words, a comma, the rest, no final punctuation ("Jane Doe, Minister of State at
    the Department of Agriculture, Food and the Marine")."""
    name, comma, role = paragraph.strip().partition(", ")
    names = name.split()
    return bool(comma) and 2 <= len(names) <= 4 and all(n[0].isupper() for n in names) \
        and _is_title(paragraph)


def _dash_attribution(paragraph: str) -> bool:
    """An attribution line set off by a dash ("— Jane Doe, Minister of X")."""
    line = paragraph.strip()
    return line[:1] in "—–-" and _attribution_line(line.lstrip("—–- "))


def closes_quotation(paragraph: str) -> bool:
    """A paragraph that ends with a quotation mark: what follows may attribute it."""
    return paragraph.strip().rstrip(".").endswith(("\"", "”", "»"))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans inside text, trimmed of surrounding white space."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        following = match.group(1)
        if not (following.isupper() or following.isdigit()):
            continue
        word = text[:match.start()].rsplit(None, 1)[-1] if text[:match.start()].strip() else ""
        if word.lower().rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return _trimmed(text, spans)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return _trimmed(text, spans)


def _trimmed(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans shrunk to exclude surrounding white space; empty ones dropped."""
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((s, e))
    return result


def _is_heading(text: str) -> bool:
    """A markdown heading, or one short line with no final punctuation and no quotes
    (a one-line quotation such as “…,” said the Minister is text, not a heading)."""
    if text.startswith("#"):
        return "\n" not in text.strip()
    line = text.strip()
    return _is_title(line) and len(line) <= MAX_HEADING_CHARS \
        and len(line.split()) <= MAX_HEADING_WORDS


def _is_label(line: str) -> bool:
    """A line that only says what kind of text follows ("Press release", "News")."""
    return bool(re.fullmatch(r"(press )?release|news|press|statement", line.lower()))


def _is_title(text: str) -> bool:
    """A line that may be a document's title, however long: one line with no final
    punctuation and no quotes (read so only before the first heading that is no label)."""
    line = text.strip()
    return ("\n" not in line and len(line) <= MAX_TITLE_CHARS
            and not line.endswith((".", "!", "?", ":", ";", ",", "\"", "”"))
            and not any(mark in line for mark in "\"“”"))


def _opening_lines(paragraphs: list[str]) -> int:
    """How many paragraphs open the document as its header: labels ("Press release"),
    one title however long, and the short lines (headings, datelines) after it."""
    n, titled = 0, False
    while n < len(paragraphs):
        text = paragraphs[n].lstrip("#").strip()
        if not (_is_heading(paragraphs[n]) or not titled and _is_title(paragraphs[n])):
            break
        titled = titled or not _is_label(text)
        n += 1
    return n


def _first_heading(body: str) -> str:
    """The first heading that is not a label such as "Press release" (the opening
    line may be a long title)."""
    paragraphs = [body[start:end] for start, end in _paragraph_spans(body)]
    opening = _opening_lines(paragraphs)
    for n, text in enumerate(paragraphs):
        if _is_heading(text) or n < opening:
            heading = text.lstrip("#").strip()
            if not _is_label(heading):
                return heading
    return ""


def vocabulary(corpus: Corpus) -> set[str]:
    """Distinct content words (lowercase) of all passages, titles and headings."""
    found: set[str] = set()
    for passage in corpus.passages:
        found.update(content_words(f"{passage.doc_title} {passage.section} {passage.text}"))
    return found


def release_headers(corpus: Corpus) -> dict[str, set[str]]:
    """The words each release says about itself: title, front-matter values, opening lines."""
    headers = {}
    for document in corpus.documents:
        head = f"{document.slug}#head"
        opening = corpus.passage(head).text if corpus.has_passage(head) else ""
        headers[document.slug] = set(words(" ".join(
            [document.title, *map(str, document.meta.values()), opening])))
    return headers


def release_descriptions(corpus: Corpus, headers: dict[str, set[str]]) -> dict[str, set[str]]:
    """The stems of the words each release describes its meeting with: its header words
    and its lead sentence, which says who met ("Fisheries ministers … met on Tuesday")."""
    described = {}
    for document in corpus.documents:
        body = [p for p in corpus.passages_of(document.slug)
                if not p.id.endswith("#head") and p.sentences]
        lead = _lead(body[0]) if body else ""
        described[document.slug] = {stem(w) for w in [*headers[document.slug], *words(lead)]}
    return described


def _lead(passage: Passage) -> str:
    """The text of a passage's lead_spans."""
    return " ".join(passage.sentence_text(span) for span in lead_spans(passage))


def lead_spans(passage: Passage) -> tuple[Span, ...]:
    """The first sentence of a passage, with the next one when the first is only a
    dateline ("Bergen, 11 March 2031."): a few words, a year among them."""
    spans = passage.sentences
    first = passage.sentence_text(spans[0]) if spans else ""
    dateline = len(words(first)) <= DATELINE_WORDS and re.search(r"\b(?:19|20)\d\d\b", first)
    return spans[:2] if dateline else spans[:1]
