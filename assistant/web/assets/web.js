// Markers, sources panel and document view: all client side, on content the server escaped.
// One capture-phase listener on document, because Gradio re-renders messages while streaming.
(() => {
  const sources = () => document.getElementById("sources");

  function turnOf(key) {
    const card = document.getElementById("src-" + key);
    return card ? card.closest("section.turn") : null;
  }

  function showTurn(section) {
    sources().querySelectorAll("section.turn").forEach((s) => { s.hidden = s !== section; });
  }

  function showCards(section) {
    section.querySelector(".cards").hidden = false;
    section.querySelectorAll(".docview").forEach((d) => { d.hidden = true; });
  }

  function openCard(key) {
    const section = turnOf(key);
    if (!section) return;
    const card = document.getElementById("src-" + key);
    showTurn(section);
    showCards(section);
    section.querySelectorAll(".card.open").forEach((c) => { if (c !== card) c.classList.remove("open"); });
    card.classList.add("open");
    card.classList.remove("flash");
    void card.offsetWidth; // restart the flash animation
    card.classList.add("flash");
    card.scrollIntoView({ block: "nearest" });
  }

  function openDocument(key) {
    const section = turnOf(key);
    const mark = section && section.querySelector(".dm-" + CSS.escape(key));
    if (!mark) return;
    const view = mark.closest(".docview");
    section.querySelector(".cards").hidden = true;
    section.querySelectorAll(".docview").forEach((d) => { d.hidden = d !== view; });
    view.querySelectorAll(".active").forEach((m) => m.classList.remove("active"));
    mark.classList.add("active");
    const text = view.querySelector(".doc-text");
    text.scrollTop = Math.max(0, mark.offsetTop - text.clientHeight / 3);
    view.scrollIntoView({ block: "nearest" });
  }

  // An answer as text: "[n]" markers kept, and the quotes they stand for listed below.
  function plainText(answer) {
    const copy = answer.cloneNode(true);
    const sources = [];
    copy.querySelectorAll(".cite").forEach((cite) => {
      const n = cite.textContent.trim();
      const tip = cite.dataset.tip || cite.title;
      if (tip) sources.push(`[${n}] ${tip}`);
      cite.replaceWith(`[${n}]`);
    });
    copy.querySelectorAll(".caret, .typing").forEach((el) => el.remove());
    copy.querySelectorAll("br").forEach((br) => br.replaceWith("\n"));
    const paragraphs = [...copy.querySelectorAll("p")].map((p) => p.textContent.trim());
    const text = (paragraphs.length ? paragraphs : [copy.textContent.trim()]).join("\n\n");
    return sources.length ? `${text}\n\nSources:\n${sources.join("\n")}` : text;
  }

  document.addEventListener("click", (event) => {
    const cite = event.target.closest("#chat a.cite");
    if (cite) {
      event.preventDefault();
      openCard((cite.getAttribute("href") || "").replace("#cite-", ""));
      return;
    }
    const head = event.target.closest("#sources .card-head");
    if (head) {
      const card = head.closest(".card");
      if (card.classList.contains("open")) card.classList.remove("open");
      else openCard(head.value);
      return;
    }
    const view = event.target.closest("#sources .view-doc");
    if (view) { openDocument(view.value); return; }
    const back = event.target.closest("#sources .back");
    if (back) { showCards(back.closest("section.turn")); return; }
    // Copy the answer as text, not as the HTML it is stored as.
    const copy = event.target.closest('#chat button[aria-label="Copy message"]');
    if (copy && navigator.clipboard) {
      const message = copy.closest(".message-wrap .message-row, .message-row, .bot-row");
      const answer = message && message.querySelector(".answer, .question");
      if (answer) {
        event.preventDefault();
        event.stopImmediatePropagation();
        navigator.clipboard.writeText(plainText(answer)).catch(() => {});
      }
    }
  }, true);

  // Hovering a marker shows its quote right away (the native title tooltip is slow).
  let tip = null;
  document.addEventListener("mouseover", (event) => {
    const cite = event.target.closest("#chat a.cite");
    if (!cite) return;
    if (cite.title) { cite.dataset.tip = cite.title; cite.removeAttribute("title"); }
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "cite-tip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    tip.textContent = cite.dataset.tip || "";
    const box = cite.getBoundingClientRect();
    tip.hidden = false;
    const left = Math.min(Math.max(8, box.left - 20), window.innerWidth - tip.offsetWidth - 8);
    const above = box.top - tip.offsetHeight - 8;
    tip.style.left = left + "px";
    tip.style.top = (above > 8 ? above : box.bottom + 8) + "px";
  });
  document.addEventListener("mouseout", (event) => {
    if (tip && event.target.closest("#chat a.cite")) tip.hidden = true;
  });
})();
