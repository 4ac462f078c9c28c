"""Turns of the conversation -> the HTML the chat and the sources panel show.

Pure functions, no Gradio: every string that comes from the corpus or a model goes
through esc() here, on the server, so the page never renders markup it was sent.
"""

import html
import re

from ..facts import MARKER, markers

TYPING = (
    '<div class="answer"><span class="typing"><span></span><span></span><span></span></span></div>'
)


def esc(text) -> str:
    """Text -> HTML that shows exactly that text (quotes escaped too, for attributes)."""
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    parts = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in parts)


def hint(text: str, kind: str = "info") -> str:
    """The one-line notice under the box (info, ok or warn); empty text clears it."""
    return f'<p class="hint {kind}">{esc(text)}</p>' if text else '<p class="hint"></p>'


def render_brand(documents) -> str:
    """The top bar: what the chat answers about (two titles, then a count)."""
    titles = ", ".join(d.title for d in documents[:2])
    more = f" and {len(documents) - 2} more" if len(documents) > 2 else ""
    return (
        '<div class="brand"><span class="logo">❝</span><div>'
        '<h1>Release Assistant</h1>'
        f'<p>Answers about <b>{esc(titles)}</b>{esc(more)}, '
        "every sentence quoted from the source.</p></div></div>"
    )


def render_question(question: str) -> str:
    """The user's message as HTML."""
    return f'<div class="question">{_paragraphs(question)}</div>'


def render_streaming(text: str) -> str:
    """A partly written answer: markers shown, not yet linked (citations come at the end)."""
    body = MARKER.sub(r'<sup class="cite pending">\1</sup>', _paragraphs(text))
    return f'<div class="answer">{body}<span class="caret"></span></div>'


def render_answer(turn: dict, index: int) -> str:
    """A finished answer: linked markers (hover shows the quote), notices and the meta line."""
    quotes = {c["marker"]: c for c in turn["citations"]}

    def link(match: re.Match) -> str:
        return "".join(linked(n) for n in markers(match.group(0)))

    def linked(marker: int) -> str:
        citation = quotes.get(marker)
        if citation is None:
            return f"[{marker}]"
        title = f"“{citation['quote']}” — {citation['document']}, {citation['passage_id']}"
        # The href names the card (src-<turn>-<marker>) that the page's script opens.
        return (
            f'<a class="cite" href="#cite-{index}-{citation["marker"]}" title="{esc(title)}">'
            f"{citation['marker']}</a>"
        )

    body = MARKER.sub(link, _paragraphs(turn["answer"]))
    kind = "answer" if turn["answered"] else "answer abstained"
    notes = ""
    if not turn["answered"]:
        notes += '<p class="note">See <b>Related</b> in the panel for the closest passages.</p>'
    if turn.get("notice"):
        notes += f'<p class="note">{esc(turn["notice"])}</p>'
    if turn.get("unsupported"):
        notes += (
            f'<p class="note">{len(turn["unsupported"])} sentence(s) of the draft were left out: '
            "no passage supports them.</p>"
        )
    return f'<div class="{kind}">{body}</div>{notes}{render_meta(turn)}'


def render_meta(turn: dict) -> str:
    """The small line under an answer: query used, stage timings, backend."""
    timings = turn["timings"]
    stages = [
        f"{name.replace('_', ' ')} {timings[key]:,.0f} ms"
        for key, name in (("retrieve", "retrieve"), ("first_text", "first text"),
                          ("total", "total"))
        if key in timings
    ]
    if timings.get("condense", 0) >= 1:
        stages.insert(0, f"condense {timings['condense']:,.0f} ms")
    return (
        '<div class="meta">'
        f'<span title="the search query used">searched “{esc(turn["query"])}”</span>'
        f'<span>{" · ".join(stages)}</span>'
        f'<span title="the answerer">{esc(turn["backend"])}</span>'
        "</div>"
    )


def render_error(error: Exception) -> str:
    """What the chat shows when the core fails: what happened, what to do."""
    detail = str(error).strip() or type(error).__name__
    return (
        '<div class="answer failed"><p><b>Sorry, this question could not be answered.</b></p>'
        f"<p>{esc(detail)}</p>"
        "<p>The error was logged. Try again or rephrase; other questions still work.</p></div>"
    )


def highlight(text: str, offset: int, spans: list[tuple[int, int, str]]) -> str:
    """text (starting at document offset) as HTML with the absolute spans wrapped in <mark>."""
    out, cursor = [], 0
    for start, end, attrs in sorted(spans):
        start, end = max(start - offset, cursor), min(end - offset, len(text))
        if start >= end:
            continue  # overlapping or outside: the first mark wins
        out.append(esc(text[cursor:start]))
        out.append(f"<mark {attrs}>{esc(text[start:end])}</mark>")
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def render_sources(turns: list[dict], corpus) -> str:
    """The sources panel: one section per answered turn (the latest shown), cards and documents."""
    answered = [n for n, t in enumerate(turns) if not t["error"]]
    if not answered:
        return (
            '<div class="panel-empty"><p class="panel-title">Sources</p>'
            "<p>Every answer is made of sentences quoted from the release. Click a marker "
            'like <span class="cite demo">1</span> to read the passage it comes from, '
            "highlighted, and open it in the full release.</p></div>"
        )
    return "".join(
        _render_turn_sources(turns[n], n, corpus, shown=n == answered[-1]) for n in answered
    )


def _citation_cards(turn: dict, index: int, docs: dict) -> list[str]:
    """Cards for an answer's citations; each quote is also marked in its document."""
    cards = []
    for c in turn["citations"]:
        key = f"{index}-{c['marker']}"
        passage = highlight(
            c["passage_text"], c["passage_start"], [(c["start"], c["end"], 'class="quote"')]
        )
        cards.append(_card(key, str(c["marker"]), c, passage, "cite-card", c["quote"]))
        docs.setdefault(c["doc_slug"], []).append((c["start"], c["end"], f'class="quote dm-{key}"'))
    return cards


def _related_cards(turn: dict, index: int, docs: dict) -> list[str]:
    """Cards for the closest passages of an unanswered question (reading, not citations)."""
    cards = []
    for n, r in enumerate(turn["related"], 1):
        key = f"{index}-r{n}"
        cards.append(_card(key, "·", r, esc(r["passage_text"]), "related-card", ""))
        docs.setdefault(r["doc_slug"], []).append(
            (r["passage_start"], r["passage_start"] + len(r["passage_text"]),
             f'class="related-span dm-{key}"')
        )
    return cards


def _render_turn_sources(turn: dict, index: int, corpus, shown: bool) -> str:
    docs: dict[str, list[tuple[int, int, str]]] = {}
    if turn["answered"]:
        title, lead = "Sources", "Click a card or a marker in the answer to open the passage."
        cards = _citation_cards(turn, index, docs)
    else:
        title = "Related"
        lead = ("The release does not answer this. These are the closest passages, "
                "for reading only: they are not citations.")
        cards = _related_cards(turn, index, docs)
    # (A release removed since this turn has no full text to show any more.)
    views = "".join(
        _render_document(corpus.document(slug), spans, f"{index}-{slug}")
        for slug, spans in docs.items() if slug in corpus.slugs()
    )
    question = esc(turn["question"])
    return (
        f'<section {"" if shown else "hidden "}class="turn" id="turn-{index}">'
        f'<div class="cards"><p class="panel-title {title.lower()}">{title}</p>'
        f'<p class="panel-lead">{lead}</p><p class="panel-q">For: “{question}”</p>'
        f'{"".join(cards)}</div>{views}</section>'
    )


def _card_head(badge: str, doc_title: str, passage_id: str, section: str,
               release: dict | None = None) -> str:
    section = section.lstrip("#").strip()
    show = section and section != doc_title
    section_html = f'<span class="section">{esc(section)}</span>' if show else ""
    facts = [release.get(k, "") for k in ("date", "place", "file")] if release else []
    meta_html = (f'<span class="doc-meta">{esc(" · ".join(f for f in facts if f))}</span>'
                 if any(facts) else "")
    return (
        f'<span class="badge">{badge}</span><span class="head-text">'
        f'<span class="doc">{esc(doc_title)}</span>{meta_html}'
        f'<span class="pid">{esc(passage_id)}</span>{section_html}</span>'
    )


def _card(key: str, badge: str, item: dict, passage_html: str, kind: str, quote: str) -> str:
    quote_html = f'<p class="card-quote">“{esc(quote)}”</p>' if quote else ""
    head = _card_head(badge, item["document"], item["passage_id"], item["section"],
                      item.get("release"))
    return (
        f'<article class="card {kind}" id="src-{key}">'
        f'<button type="button" class="card-head" value="{key}">{head}</button>'
        f"{quote_html}"
        f'<div class="card-body"><p class="passage">{passage_html}</p>'
        f'<button type="button" class="view-doc" value="{key}">View in the release →</button>'
        "</div></article>"
    )


def _render_document(document, spans: list[tuple[int, int, str]], key: str) -> str:
    return (
        f'<div class="docview" hidden id="doc-{esc(key)}">'
        '<div class="doc-bar"><button type="button" class="back">← Sources</button>'
        f'<span class="doc-title">{esc(document.title)}</span>'
        f'<span class="doc-path">{esc(document.path)}</span></div>'
        f'<div class="doc-text">{highlight(document.text, 0, spans)}</div></div>'
    )
