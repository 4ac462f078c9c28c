"""The chat's HTML, without a browser: markup in a release or a reply shows as text,
and every [n] marker leads to the card of its quote."""

from html.parser import HTMLParser

import pytest

from assistant.corpus import load_corpus
from assistant.types import Citation, Reply, ScoredPassage
from assistant.web import render_answer, render_question, render_sources, turn_from_reply
from assistant.web.render import hint, render_brand, render_error

HOSTILE = """\
---
title: Harbour <script>alert("t")</script> & "notice" board
---
# Harbour notice <img src=x onerror="alert(1)">

The keeper <img src=x onerror="alert(2)"> said the lamp was replaced on Tuesday & "lit".

Visitors may climb the <script>alert(3)</script> tower on Sundays.
"""
# The only elements render.py itself writes; a script, image or handler would be the text's.
OWN_TAGS = {"a", "article", "b", "br", "button", "div", "h1", "mark", "p", "section", "span",
            "sup"}


class Elements(HTMLParser):
    """The tags and attributes a browser would build from some HTML."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def named(self, tag: str) -> list[dict]:
        return [attrs for t, attrs in self.tags if t == tag]


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "harbour.md").write_text(HOSTILE, encoding="utf-8")
    return load_corpus(tmp_path)


def _cited_reply(corpus) -> Reply:
    """An answer quoting the keeper's sentence, with markup in every field a model fills."""
    passage = next(p for p in corpus.passages if "keeper" in p.text)
    sentence = passage.sentences[0]
    quote = passage.sentence_text(sentence)
    citation = Citation(
        marker=1, passage_id=passage.id, document=passage.doc_title, doc_slug=passage.doc_slug,
        quote=quote, start=sentence.start, end=sentence.end, passage_text=passage.text,
        passage_start=passage.start, section=passage.section,
        release={"date": "<b>Tuesday</b>", "file": "harbour.md"},
    )
    return Reply(
        question='Was the lamp <script>alert("q")</script> replaced?',
        text=f"{quote} [1] And [2] cites nothing.", answered=True, citations=[citation],
        passages=[], query='lamp "replaced" & <i>', backend="extractive <&>",
        timings={"total": 12.0}, notice="<script>alert('n')</script>",
    )


def _assert_only_own_markup(markup: str) -> None:
    elements = Elements(markup)
    assert {tag for tag, _ in elements.tags} <= OWN_TAGS, markup
    assert not any(name.startswith("on") for _, attrs in elements.tags for name in attrs)


def test_markup_in_an_answer_and_its_quote_is_shown_as_text(corpus):
    turn = turn_from_reply(_cited_reply(corpus))
    answer = render_answer(turn, 0)
    _assert_only_own_markup(answer)
    assert '&lt;img src=x onerror=&quot;alert(2)&quot;&gt;' in answer
    assert "&lt;script&gt;alert(&#x27;n&#x27;)&lt;/script&gt;" in answer  # the notice
    assert "searched “lamp &quot;replaced&quot; &amp; &lt;i&gt;”" in answer
    assert "extractive &lt;&amp;&gt;" in answer
    (link,) = Elements(answer).named("a")
    # The hover text is an attribute: its quotes must not end it early.
    assert link["title"].startswith("“The keeper <img src=x onerror=\"alert(2)\">")


def test_markup_in_the_sources_panel_and_the_release_is_shown_as_text(corpus):
    panel = render_sources([turn_from_reply(_cited_reply(corpus))], corpus)
    _assert_only_own_markup(panel)
    title = ("Harbour &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; "
             "&amp; &quot;notice&quot; board")
    assert f'<span class="doc">{title}</span>' in panel  # on the card
    assert f'<span class="doc-title">{title}</span>' in panel  # over the release
    assert "climb the &lt;script&gt;alert(3)&lt;/script&gt; tower" in panel  # the whole release
    assert "&lt;b&gt;Tuesday&lt;/b&gt;" in panel  # what the release says about itself
    assert "For: “Was the lamp &lt;script&gt;" in panel


def test_each_marker_links_to_the_card_of_its_quote_and_others_stay_text(corpus):
    reply = _cited_reply(corpus)
    turn = turn_from_reply(reply)
    answer = Elements(render_answer(turn, 3))
    panel = Elements(render_sources([turn] * 4, corpus))
    (link,) = answer.named("a")
    assert link["href"] == "#cite-3-1"  # [2] has no citation: no link
    key = link["href"].removeprefix("#cite-")
    card = next(a for a in panel.named("article") if a["id"] == f"src-{key}")
    assert "cite-card" in card["class"]
    assert any(b.get("value") == key for b in panel.named("button"))  # opens the release
    marks = [m["class"] for m in panel.named("mark")]
    assert "quote" in marks and f"quote dm-{key}" in marks  # in the card and the release


def test_an_unanswered_question_shows_related_passages_not_citations(corpus):
    passage = next(p for p in corpus.passages if "Visitors" in p.text)
    reply = Reply(question="Who pays <b>?", text="The release does not say.", answered=False,
                  citations=[], passages=[ScoredPassage(passage, 0.5)], query="who pays",
                  backend="extractive", timings={})
    panel = render_sources([turn_from_reply(reply)], corpus)
    _assert_only_own_markup(panel)
    assert "Related" in panel and "not citations" in panel
    assert 'class="card related-card"' in panel and "cite-card" not in panel
    assert "climb the &lt;script&gt;alert(3)&lt;/script&gt; tower" in panel


def test_the_question_an_error_a_hint_and_the_title_bar_escape_their_text(corpus):
    for markup in (render_question('<script>alert("x")</script>\n\nsecond & last'),
                   render_error(RuntimeError("<img src=x onerror=alert(1)>")),
                   hint('<a href="javascript:alert(1)">click</a>', "warn"),
                   render_brand(corpus.documents)):
        _assert_only_own_markup(markup)
        assert not Elements(markup).named("a")
    assert "second &amp; last" in render_question("first\n\nsecond & last")


def test_a_group_of_markers_links_each_one_it_can(corpus):
    reply = _cited_reply(corpus)
    turn = {**turn_from_reply(reply), "answer": "The lamp was replaced [1, 2]."}
    answer = Elements(render_answer(turn, 5))
    assert [a["href"] for a in answer.named("a")] == ["#cite-5-1"]  # [2] cites nothing
