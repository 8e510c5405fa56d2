// NoteBridge console: the little script the pages use (no framework, no build step). Pages work without it where
// they only show data; it adds live dashboard counts (Server-Sent Events) and the playground's evidence highlights.
"use strict";

function liveDashboard() {
  if (!window.EventSource) return;
  const source = new EventSource("/console/events");
  source.addEventListener("stats", (event) => {
    let stats;
    try { stats = JSON.parse(event.data); } catch (error) { return; }
    for (const [name, value] of Object.entries(stats.counts || {})) {
      for (const element of document.querySelectorAll("[data-stat]")) {
        if (element.dataset.stat === name) element.textContent = String(value);
      }
    }
    const updated = document.getElementById("updated");
    if (updated && stats.updated) updated.textContent = stats.updated;
  });
}

function statementIndexes(piece) {
  return (piece.dataset.s || "").split(" ").filter((part) => part !== "");
}

function highlightStatement(button) {
  const index = button.dataset.statement;
  for (const other of document.querySelectorAll("button.statement")) {
    other.setAttribute("aria-pressed", other === button ? "true" : "false");
    other.classList.remove("supported");
  }
  let first = null;
  for (const piece of document.querySelectorAll("#transcript-text .piece")) {
    const on = statementIndexes(piece).includes(index);
    piece.classList.toggle("highlight", on);
    if (on && first === null) first = piece;
  }
  if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest" });
}

function showSupportedStatements() {
  const selection = window.getSelection();
  const transcript = document.getElementById("transcript-text");
  const supports = document.getElementById("supports");
  if (!selection || selection.isCollapsed || !transcript || !transcript.contains(selection.anchorNode)) return;
  const wanted = new Set();
  for (const piece of transcript.querySelectorAll(".piece")) {
    if (selection.containsNode(piece, true)) statementIndexes(piece).forEach((index) => wanted.add(index));
  }
  let count = 0;
  for (const button of document.querySelectorAll("button.statement")) {
    const on = wanted.has(button.dataset.statement);
    button.classList.toggle("supported", on);
    if (on) count += 1;
  }
  if (supports) supports.textContent = count === 0 ? "The selected text supports no statement." :
    `The selected text supports ${count} statement${count === 1 ? "" : "s"}, marked in the note.`;
}

function playground() {
  for (const button of document.querySelectorAll("button.statement")) {
    button.addEventListener("click", () => highlightStatement(button));
    button.addEventListener("focus", () => highlightStatement(button));
  }
  document.addEventListener("selectionchange", showSupportedStatements);
  // A transcript file is read in the browser into the text box (the form posts text; nothing is uploaded apart).
  const upload = document.querySelector(".upload");
  const file = document.getElementById("transcript-file");
  const text = document.getElementById("transcript");
  if (upload && file && text && window.FileReader) {
    upload.hidden = false;
    file.addEventListener("change", () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      const reader = new FileReader();
      reader.addEventListener("load", () => { text.value = String(reader.result || ""); });
      reader.readAsText(chosen);
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "dashboard") liveDashboard();
  if (page === "playground") playground();
});
