// serve's preview page: follows the server's events, shows the check's messages, and
// decorates the published HTML in the frame (page numbers, preview-only anchors)
// without touching its bytes or giving it a script of its own.
"use strict";
(function () {
  const frame = document.getElementById("dokument");
  const panel = document.getElementById("beskeder");
  const list = document.getElementById("beskedliste");
  const stale = document.getElementById("gammel");
  const status = document.getElementById("status");
  const bilag = document.getElementById("bilag");
  let state = null;
  let shown = null;
  let busy = false;
  let again = false;

  function frameDoc() {
    try { return frame.contentDocument; } catch (e) { return null; }
  }

  function decorate() {
    const doc = frameDoc();
    if (!doc || !doc.body || !state) return;
    if (!doc.getElementById("serve-stil")) {
      const style = doc.createElement("style");
      style.id = "serve-stil";
      style.textContent = "nav.toc a{display:flex;gap:1em}nav.toc a .t{flex:1}" +
        "nav.toc a .p{white-space:nowrap}.serve-anker{scroll-margin-top:1rem}" +
        ".serve-markeret{outline:3px solid #b35900;outline-offset:4px}";
      doc.head.appendChild(style);
    }
    // The PDF's page of each item once its build is done; a dash until then.
    const pages = state.pages || {};
    doc.querySelectorAll("nav.toc span.p[data-target]").forEach(function (span) {
      const page = pages[span.getAttribute("data-target").slice(1)];
      span.textContent = page ? String(page) : "–";
    });
    const front = doc.querySelector("header.forside");
    if (front && !front.id) front.id = state.front;
    doc.querySelectorAll(".serve-anker").forEach(function (a) { a.remove(); });
    state.messages.forEach(function (m) {
      const target = m.target && doc.getElementById(m.target);
      if (!target || doc.getElementById("linje-" + m.line)) return;
      const anchor = doc.createElement("span");
      anchor.id = "linje-" + m.line;
      anchor.className = "serve-anker";
      target.insertBefore(anchor, target.firstChild);
    });
  }

  function show(m, event) {
    event.preventDefault();
    const doc = frameDoc();
    const anchor = doc && doc.getElementById("linje-" + m.line);
    if (!anchor) return;
    anchor.scrollIntoView({block: "start"});
    const box = anchor.parentElement;
    box.classList.add("serve-markeret");
    setTimeout(function () { box.classList.remove("serve-markeret"); }, 1500);
  }

  function messages() {
    list.replaceChildren();
    state.messages.forEach(function (m) {
      const item = document.createElement("li");
      item.className = m.severity;
      const link = document.createElement("a");
      link.href = "#linje-" + m.line;
      link.textContent = "linje " + m.line + ": " + m.message + " [" + m.rule + "]";
      link.addEventListener("click", function (event) { show(m, event); });
      item.appendChild(link);
      list.appendChild(item);
    });
    panel.hidden = state.messages.length === 0;
    stale.hidden = state.ok || !state.html;
  }

  function links() {
    Object.keys(state.ready).forEach(function (kind) {
      const link = document.getElementById("hent-" + kind);
      if (link) link.classList.toggle("bygger", !state.ready[kind]);
    });
    bilag.replaceChildren();
    state.bilag.forEach(function (b) {
      const link = document.createElement("a");
      link.href = b.href;
      link.target = "_blank";
      link.textContent = b.name;
      bilag.appendChild(link);
    });
    const errors = state.messages.filter(function (m) { return m.severity === "error"; });
    status.textContent = errors.length ? errors.length + " fejl" :
      (state.pages ? "Opdateret" : "Opdateret · sidetal følger");
  }

  function load(url) {
    const doc = frameDoc();
    const y = doc && doc.scrollingElement ? doc.scrollingElement.scrollTop : 0;
    shown = url;
    frame.addEventListener("load", function () {
      const fresh = frameDoc();
      if (fresh && fresh.scrollingElement) fresh.scrollingElement.scrollTop = y;
      decorate();
    }, {once: true});
    frame.src = url;
  }

  async function update() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const response = await fetch("state", {cache: "no-store"});
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
      document.title = state.title + " – forhåndsvisning";
      messages();
      links();
      if (state.html && state.html !== shown) load(state.html); else decorate();
      document.body.setAttribute("data-stamp", String(state.stamp));
    } catch (e) {
      status.textContent = "Ingen forbindelse til referatgen serve";
    } finally {
      busy = false;
      if (again) { again = false; update(); }
    }
  }

  const events = new EventSource("events");
  events.onmessage = update;
  events.onerror = function () { status.textContent = "Forbindelsen er afbrudt …"; };
})();
