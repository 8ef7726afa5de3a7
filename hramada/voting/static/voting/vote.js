// Vote form: register the proof-of-work worker of the ALTCHA widget as a same-origin file, so the
// site's strict Content-Security-Policy (no blob: workers, no inline scripts) needs no exception.
const marker = document.querySelector("[data-altcha-worker]");
if (marker && globalThis.$altcha) {
  const url = marker.getAttribute("data-altcha-worker");
  for (const name of ["SHA-256", "SHA-384", "SHA-512"]) {
    globalThis.$altcha.algorithms.set(name, () => new Worker(url));
  }
}

// Votes in place (htmx). The ALTCHA widget stops the first submit (stopPropagation) and submits the
// form again once the check is solved; only that submit reaches the document, where we hand it to
// htmx ("vote-ready" is the form's hx-trigger). Without htmx the form is posted as a normal page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote-form") || !globalThis.htmx) {
    return;
  }
  event.preventDefault();
  globalThis.htmx.trigger(form, "vote-ready");
});
