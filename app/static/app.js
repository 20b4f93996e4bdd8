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

// While a proof renders, poll its small JSON status and reload when it settles.
function watchProof(el) {
  const url = el.dataset.statusUrl;
  const text = el.querySelector("[data-proof-text]");
  let delay = 700;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        if (state.proof && text) text.textContent = state.proof.text;
        if (state.proof && (state.proof.status === "ready" || state.proof.status === "failed")) {
          window.location.reload();
          return;
        }
      }
    } catch (e) { /* network blip: try again */ }
    delay = Math.min(delay * 1.3, 5000);
    setTimeout(tick, delay);
  };
  setTimeout(tick, delay);
}

document.querySelectorAll(".proof[data-status-url]").forEach((el) => {
  if (el.dataset.status === "queued" || el.dataset.status === "rendering") watchProof(el);
});
