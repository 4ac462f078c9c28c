"""The releases as a library: add files to the corpus folder, remove them, list them.

Adding copies a file into the corpus folder only once it has been read whole (a file
that cannot become a release is refused with one sentence and changes nothing);
the index then embeds only what changed. When each release was indexed is kept in
the data folder, so `assistant list` can say it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .readers import SUFFIXES, UnreadableFile, read_document

INDEXED_FILE = "indexed.json"  # {slug: "YYYY-MM-DD HH:MM"}, in the data folder


class LibraryError(ValueError):
    """A library command that cannot be done as asked (unknown release, no file)."""


@dataclass
class Added:
    """What `add` did: the files copied into the corpus (source, name in the corpus),
    and one sentence for each file it refused."""

    copied: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def add(corpus_dir: Path, paths: list[Path], max_bytes: int) -> Added:
    """Copy the readable files among paths (folders are searched) into corpus_dir."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    known = {_digest(p): p.name for p in _files(corpus_dir)}
    result = Added()
    for path in _expand(paths, result):
        if path.name.startswith("."):
            result.refused.append(f"{path.name}: a hidden file (its name starts with a dot) "
                                  "is never read; rename it.")
            continue
        try:
            read_document(path, max_bytes)
        except UnreadableFile as error:
            result.refused.append(str(error))
            continue
        except OSError as error:
            result.refused.append(f"{path.name} cannot be read ({error.strerror}).")
            continue
        digest = _digest(path)
        if digest in known:
            result.refused.append(f"{path.name} is already in the library as {known[digest]}.")
            continue
        target = _free_name(corpus_dir, path.name)
        shutil.copyfile(path, target)
        known[digest] = target.name
        result.copied.append((path, target.name))
    return result


def keep_readable(corpus_dir: Path, corpus, copied: list[tuple[Path, str]]):
    """Of the files add() just copied, the names the corpus now reads, and for each
    other one why not (an empty release, headings only): that copy is removed."""
    read = {d.path for d in corpus.documents}
    kept, refused = [], []
    for _, name in copied:
        if name in read:
            kept.append(name)
            continue
        why = next((p.split(": ", 1)[1] for p in corpus.problems
                    if p.startswith(f"{corpus_dir / name}: ")), "nothing in it to answer from.")
        refused.append(f"{name}: {why}")
        (corpus_dir / name).unlink(missing_ok=True)
    return kept, refused


def remove(corpus, slugs: list[str]) -> list[str]:
    """Delete the files of these releases from the corpus folder; returns their names."""
    unknown = [s for s in slugs if s not in corpus.slugs()]
    if unknown:
        raise LibraryError(
            f"No release named {', '.join(repr(s) for s in unknown)}. "
            f"Known releases: {', '.join(corpus.slugs())}."
        )
    removed = []
    for slug in slugs:
        document = corpus.document(slug)
        (corpus.folder / document.path).unlink(missing_ok=True)
        removed.append(document.path)
    return removed


def record_indexed(data_dir: Path, corpus, embedded: list[str]) -> None:
    """Note when each release was indexed: now for those just embedded."""
    path = Path(data_dir) / INDEXED_FILE
    times = indexed_times(data_dir)
    now = time.strftime("%Y-%m-%d %H:%M")
    times = {slug: (now if slug in embedded else times.get(slug, now))
             for slug in corpus.slugs()}
    try:
        path.write_text(json.dumps(times, indent=1))
    except OSError:  # a read-only data folder serves all the same
        pass


def indexed_times(data_dir: Path) -> dict[str, str]:
    """When each release was indexed, as recorded in the data folder."""
    try:
        return json.loads((Path(data_dir) / INDEXED_FILE).read_text())
    except (OSError, ValueError):
        return {}


def listing(corpus, data_dir: Path) -> list[dict]:
    """One row per release: slug, title, date, passages, source file, when indexed."""
    times = indexed_times(data_dir)
    counts: dict[str, int] = {}
    for passage in corpus.passages:
        counts[passage.doc_slug] = counts.get(passage.doc_slug, 0) + 1
    return [
        {"slug": d.slug, "title": d.title, "date": d.meta.get("date", ""),
         "passages": counts.get(d.slug, 0), "file": d.path, "indexed": times.get(d.slug, "")}
        for d in corpus.documents
    ]


def _expand(paths: list[Path], result: Added) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            inside = [p for p in _files(path)]
            if not inside:
                result.refused.append(f"{path.name} holds no {', '.join(SUFFIXES)} file.")
            found += inside
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
            else:
                result.refused.append(
                    f"{path.name} is not a release file ({', '.join(SUFFIXES)}).")
        else:
            result.refused.append(f"{path} does not exist.")
    return found


def _files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _free_name(folder: Path, name: str) -> Path:
    """folder/name, or folder/stem-2.suffix and so on when that name is taken."""
    target, n = folder / name, 2
    while target.exists():
        target, n = folder / f"{Path(name).stem}-{n}{Path(name).suffix}", n + 1
    return target
