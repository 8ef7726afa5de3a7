// Vote form: register the proof-of-work worker of the ALTCHA widget as a same-origin file, so the
// site's strict Content-Security-Policy (no blob: workers, no inline scripts) needs no exception.
const marker = document.querySelector("[data-altcha-worker]");
if (marker && globalThis.$altcha) {
  const url = marker.getAttribute("data-altcha-worker");
  for (const name of ["SHA-256", "SHA-384", "SHA-512"]) {
    globalThis.$altcha.algorithms.set(name, () => new Worker(url));
  }
}
