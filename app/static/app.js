// Progressive enhancement only: every page works without this file.
"use strict";

// A submit button disables itself after the first click (the server is idempotent anyway).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach((b) => b.setAttribute("aria-disabled", "true"));
});

// A form that changes something hard to undo asks first (removing a member, leaving).
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

// Poll a small JSON state at ``url`` with a growing delay until ``settled(state)`` says so.
function poll(url, firstDelay, settled) {
  let delay = firstDelay;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok && settled(await response.json())) return;
    } catch (e) { /* network blip: try again */ }
    delay = Math.min(delay * 1.3, 5000);
    setTimeout(tick, delay);
  };
  setTimeout(tick, delay);
}

// While a proof renders, poll its status and reload when it settles.
function watchProof(el) {
  const text = el.querySelector("[data-proof-text]");
  poll(el.dataset.statusUrl, 700, (state) => {
    if (state.proof && text) text.textContent = state.proof.text;
    if (!state.proof || (state.proof.status !== "ready" && state.proof.status !== "failed")) return false;
    window.location.reload();
    return true;
  });
}

document.querySelectorAll(".proof[data-status-url]").forEach((el) => {
  if (el.dataset.status === "queued" || el.dataset.status === "rendering") watchProof(el);
});

// A document the worker is still preparing (a PDF, the picture of changes): poll its state at
// its own address and reload once it is ready, which opens the file (or the finished page).
function watchDocument(el) {
  const text = el.querySelector("[data-document-text]");
  poll(el.dataset.documentStatus, 1000, (state) => {
    if (state.status !== "ready" && state.status !== "failed") return false;
    if (text && state.status === "ready" && el.dataset.documentReady) text.textContent = el.dataset.documentReady;
    window.location.reload();
    return true;
  });
}
document.querySelectorAll("[data-document-status]").forEach(watchDocument);

// A recipient import the worker is checking: move the bar and the sentence as rows are
// checked, and go on to the rows to fix (or the list) once done; a failed check shows why.
function watchImport(el) {
  const text = el.querySelector("[data-import-text]");
  const lead = el.querySelector("[data-import-state]");
  const bar = el.querySelector("[data-import-bar]");
  poll(el.dataset.importStatus, 800, (state) => {
    if (text) text.textContent = state.text;
    if (lead) lead.textContent = `${state.state}.`;
    if (bar) { bar.max = Math.max(state.rows, 1); bar.value = state.checked; bar.textContent = `${state.checked} of ${state.rows}`; }
    if (state.status === "checked") { window.location.assign(el.dataset.importStatus); return true; }
    if (state.status === "failed") { window.location.reload(); return true; }
    return false;
  });
}
document.querySelectorAll("[data-import-status]").forEach(watchImport);

// The wizard: as the buyer changes choices, ask the server for the preview, price and fit
// of the unsaved choices (it saves nothing) and show them beside the form.
function liveWizard(form) {
  const url = form.dataset.live;
  const preview = document.getElementById("live-preview");
  const set = (id, text) => { const el = document.getElementById(id); if (el && text !== undefined) el.textContent = text; };
  let timer = null;
  let seq = 0;
  const refresh = async () => {
    const body = new FormData(form);
    body.delete("logo");
    const mine = ++seq;
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || mine !== seq) return;
      const state = await response.json();
      if (!state.ok) return;
      if (preview && preview.getAttribute("src") !== state.preview) preview.src = state.preview;
      set("live-total", state.total); set("live-per-box", state.per_box); set("live-boxes", state.boxes);
      set("live-slots", state.slots); set("slots-text", state.slots + (state.full ? " · the box is full" : ""));
      set("live-delivery", state.delivery); set("live-delivery-step", state.delivery);
      set("live-shipping", state.shipping); set("live-tax", state.tax);
      const lines = document.getElementById("live-breakdown");
      if (lines && state.breakdown) {
        lines.replaceChildren(...state.breakdown.map((row) => {
          const tr = document.createElement("tr");
          row.forEach((text, i) => { const td = document.createElement("td"); td.textContent = text; if (i) td.className = "num"; tr.append(td); });
          return tr;
        }));
      }
      if (state.address_labels) {
        for (const [id, text] of Object.entries(state.address_labels)) {
          const label = form.querySelector(`label[for="${CSS.escape(id)}"]`);
          if (label) label.textContent = text;
        }
      }
      const regions = document.getElementById("regions");
      if (regions && state.regions) {
        regions.replaceChildren(...state.regions.map(([code, name]) => { const o = document.createElement("option"); o.value = code; o.textContent = name; return o; }));
      }
      set("address-hint", state.address_hint);
      if (state.unused) {
        form.querySelectorAll("[data-address-field]").forEach((part) => {
          const input = part.querySelector("input, textarea");
          part.hidden = state.unused.includes(part.dataset.addressField) && !(input && input.value.trim());
        });
      }
      const note = document.getElementById("live-delivery-note");
      if (note && state.delivery_note !== undefined) { note.textContent = state.delivery_note; note.hidden = !state.delivery_note; }
      const fit = document.getElementById("live-fit");
      if (fit) { fit.textContent = state.fit; fit.classList.toggle("error", !state.fits); }
    } catch (e) { /* offline for a moment: the saved page is still right */ }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 250); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
}
document.querySelectorAll("form[data-live]").forEach(liveWizard);

// Review: zoom a mockup in place. Click (or Enter) zooms in where you point; moving the
// pointer looks around; click again, or Escape, zooms out. Without this file the picture
// is a link to the full-size image.
const ZOOM = 2.5;
document.querySelectorAll("[data-zoom]").forEach((figure) => {
  const frame = figure.querySelector(".zoom-frame");
  const img = frame && frame.querySelector("img");
  if (!img) return;
  const hint = figure.querySelector("[data-zoom-hint]");
  frame.setAttribute("role", "button");
  frame.setAttribute("aria-pressed", "false");
  const aim = (event) => {
    const box = frame.getBoundingClientRect();
    const x = event && event.clientX ? ((event.clientX - box.left) / box.width) * 100 : 50;
    const y = event && event.clientY ? ((event.clientY - box.top) / box.height) * 100 : 50;
    img.style.transformOrigin = `${Math.min(100, Math.max(0, x))}% ${Math.min(100, Math.max(0, y))}%`;
  };
  const set = (on, event) => {
    figure.classList.toggle("zoomed", on);
    frame.setAttribute("aria-pressed", on ? "true" : "false");
    img.style.transform = on ? `scale(${ZOOM})` : "";
    if (on) aim(event);
    if (hint) hint.textContent = on ? "Zoomed in: move the pointer to look around; click or press Escape to zoom out." : "Click the picture to zoom in; move the pointer to look around.";
  };
  frame.addEventListener("click", (event) => {
    event.preventDefault();
    set(!figure.classList.contains("zoomed"), event);
  });
  frame.addEventListener("mousemove", (event) => { if (figure.classList.contains("zoomed")) aim(event); });
  frame.addEventListener("keydown", (event) => {
    if (event.key === "Escape") set(false);
    if (event.key === " ") { event.preventDefault(); frame.click(); }
  });
});

// Colour chips named by data-colour (#RRGGBB only); style attributes are not allowed by our CSP.
document.querySelectorAll("[data-colour]").forEach((el) => {
  if (/^#[0-9a-fA-F]{6}$/.test(el.dataset.colour)) el.style.setProperty("--c", el.dataset.colour);
});

// Copy a share link to the clipboard; the field stays selectable for copying by hand.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch (e) {
      button.textContent = "Press Ctrl+C to copy";
    }
  });
});
document.querySelectorAll("[data-select-all]").forEach((field) => field.addEventListener("focus", () => field.select()));

// Parts of a form shown only for some choices of a radio group: data-show-for="bulk split"
// shows an element while the form's "delivery" radio holds one of those values. Without script
// everything stays visible, and the page's words say which part is for which choice.
document.querySelectorAll("form").forEach((form) => {
  const parts = form.querySelectorAll("[data-show-for]");
  const radios = form.querySelectorAll("input[type=radio][name=delivery]");
  if (!parts.length || !radios.length) return;
  const show = () => {
    const chosen = form.querySelector("input[type=radio][name=delivery]:checked");
    parts.forEach((part) => { part.hidden = !chosen || !part.dataset.showFor.split(" ").includes(chosen.value); });
  };
  radios.forEach((radio) => radio.addEventListener("change", show));
  show();
});

// The shared workshop tablet: after a few minutes without a touch the board returns to the
// name picker (the server forgets the maker then too), so the next maker never acts as the last.
(() => {
  const idle = Number(document.body.dataset.idleSeconds || 0);
  if (!idle) return;
  let timer;
  const arm = () => { clearTimeout(timer); timer = setTimeout(() => window.location.reload(), (idle + 2) * 1000); };
  ["pointerdown", "keydown", "touchstart"].forEach((kind) => document.addEventListener(kind, arm, { passive: true }));
  arm();
})();
