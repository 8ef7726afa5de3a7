// The vote button: the browser check (proof of work) is solved before the voter taps, the tap is
// never lost nor doubled, and the button says what is happening.
//
// Each vote form carries <input type="hidden" name="altcha" data-pow="<challenge URL>" ...>
// (voting/public/_pow.html): the challenge is bound to the form's project. As soon as a form is on
// screen (or near it), its challenge is fetched and solved in Web Workers (voting/pow-worker.js), one
// form at a time, the nearest to the middle of the screen first; a form whose button was tapped goes
// before all others. The tap disables the button at once: if the check is solved the vote is sent,
// otherwise the button shows the check's progress and the vote is sent when it is done. A second
// tap finds the button disabled (and the form busy): it neither sends a second vote nor is lost,
// since the first one is on its way. Forms with data-vote-form are sent by htmx (their hx-trigger
// is "vote-ready") and come back as the vote area; others (voting with a code) are posted as pages.
// Without JavaScript the forms post as plain forms and the server says the check needs JavaScript.

const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
const MARGIN_MS = 60_000; // a solved challenge is not sent in its last minute (clocks, slow networks)

const jobs = new Map(); // the hidden input -> its job
let pool = null; // the workers, made on first use
let current = null; // the job the workers are on
let serial = 0;
let sending = false; // a vote is on its way: no new work meanwhile (the phone has little to spare)

function workerPool(url) {
  if (!pool) {
    pool = Array.from({ length: WORKERS }, () => {
      const worker = new Worker(url);
      worker.onmessage = (event) => onWorkerMessage(worker, event.data);
      return worker;
    });
  }
  return pool;
}

// --- jobs -------------------------------------------------------------------------------------------

function jobFor(input) {
  let job = jobs.get(input);
  if (!job) {
    job = {
      input,
      form: input.form,
      near: false,
      challenge: null, // the challenge as the server sent it ({parameters, signature})
      maxNumber: 1,
      validUntil: 0, // performance.now() after which the challenge is not sent any more
      next: 0, // every counter below this was tried
      tried: [], // tries of each worker since "next"
      payload: "", // the solved challenge, ready to send
      fetching: null,
      waiting: false, // the voter tapped: send as soon as solved
      busy: false, // waiting or sending: further taps do nothing
      failedAt: 0, // when fetching its challenge last failed ahead of a tap
    };
    jobs.set(input, job);
    observer?.observe(input.form);
  }
  return job;
}

function forget() {
  for (const [input, job] of jobs) {
    if (!input.isConnected) {
      observer?.unobserve(job.form);
      if (current === job) stop();
      jobs.delete(input);
    }
  }
}

function valid(job) {
  return job.challenge && performance.now() < job.validUntil;
}

// The job to work on: a tapped one first, else the unsolved form nearest to the middle of the screen
// (none while a vote is being sent or the page is hidden).
function pick() {
  forget();
  let best = null;
  let bestDistance = Infinity;
  const middle = window.innerHeight / 2;
  for (const job of jobs.values()) {
    if (job.payload && valid(job)) continue;
    if (job.waiting) return job;
    if (!job.near || sending || document.visibilityState === "hidden") continue;
    if (job.failedAt && performance.now() - job.failedAt < 30_000) continue;
    const box = job.form.getBoundingClientRect();
    const distance = Math.abs(box.top + box.height / 2 - middle);
    if (distance < bestDistance) {
      best = job;
      bestDistance = distance;
    }
  }
  return best;
}

async function fetchChallenge(job) {
  const response = await fetch(job.input.dataset.pow, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`challenge: ${response.status}`);
  const body = await response.json();
  const serverNow = Date.parse(response.headers.get("Date") || "") || Date.now();
  const lifetime = (body.parameters.expiresAt || 0) * 1000 - serverNow;
  job.challenge = { parameters: body.parameters, signature: body.signature };
  job.maxNumber = Math.max(1, body.maxNumber || 1);
  job.validUntil = performance.now() + Math.max(0, lifetime - MARGIN_MS);
  job.next = 0;
  job.tried = [];
  job.payload = "";
}

function stop() {
  if (!current) return;
  // Keep what was covered: every counter below next + WORKERS * (the slowest worker's tries).
  const done = current.tried.length === WORKERS ? Math.min(...current.tried) : 0;
  current.next += WORKERS * done;
  current.tried = [];
  for (const worker of pool || []) worker.postMessage({ type: "stop" });
  current = null;
}

async function run() {
  const job = pick();
  if (job === current) return;
  stop();
  if (!job) return;
  current = job;
  const id = ++serial;
  job.id = id;
  try {
    if (!valid(job)) {
      job.fetching ||= fetchChallenge(job).finally(() => {
        job.fetching = null;
      });
      await job.fetching;
    }
  } catch (error) {
    if (current === job) current = null;
    if (job.waiting) {
      failed(job); // the voter is waiting: say so, the button works again
    } else {
      job.failedAt = performance.now(); // ahead of a tap: try again later, go on with the others
      run();
    }
    return;
  }
  if (current !== job || job.id !== id) return; // another job took over meanwhile
  job.tried = Array(WORKERS).fill(0);
  workerPool(job.input.dataset.powWorker).forEach((worker, i) => {
    worker.postMessage({ type: "work", job: id, challenge: job.challenge.parameters, start: job.next + i, step: WORKERS });
  });
}

function onWorkerMessage(worker, message) {
  const job = current;
  if (!job || message.job !== job.id) return; // a stopped job's last words
  if (message.error) {
    stop();
    failed(job);
    return;
  }
  const i = pool.indexOf(worker);
  if (message.counter === undefined) {
    job.tried[i] = message.tried;
    if (job.waiting) showProgress(job);
    return;
  }
  const payload = { challenge: job.challenge, solution: { counter: message.counter, derivedKey: message.derivedKey } };
  job.payload = btoa(JSON.stringify(payload));
  for (const other of pool) if (other !== worker) other.postMessage({ type: "stop" });
  current = null;
  if (job.waiting) send(job);
  run();
}

// --- the button -------------------------------------------------------------------------------------

function parts(form) {
  const button = form.querySelector("button[type=submit], button:not([type])");
  return {
    button,
    label: button?.querySelector("[data-vote-label]") || button,
    status: form.querySelector("[data-vote-status]"),
    messages: form.querySelector("[data-pow]")?.dataset || form.dataset,
  };
}

function lock(form, text, explanation) {
  const { button, label, status } = parts(form);
  if (button) {
    if (!button.dataset.idle) button.dataset.idle = label.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    label.textContent = text;
  }
  if (status) status.textContent = explanation || "";
  form.setAttribute("aria-busy", "true");
}

function unlock(form, explanation) {
  const { button, label, status } = parts(form);
  if (button) {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.dataset.idle) label.textContent = button.dataset.idle;
  }
  if (status) status.textContent = explanation || "";
  form.removeAttribute("aria-busy");
}

function showProgress(job) {
  const { label, messages } = parts(job.form);
  const tried = job.next + job.tried.reduce((sum, n) => sum + n, 0);
  const share = Math.min(0.99, tried / (job.maxNumber + 1));
  const percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" }).format(share);
  if (label) label.textContent = `${messages.msgChecking} ${percent}`;
}

function failed(job) {
  job.busy = false;
  job.waiting = false;
  unlock(job.form, parts(job.form).messages.msgFailed);
}

function send(job) {
  const { form, input } = job;
  job.waiting = false;
  if (!valid(job) || !job.payload) {
    // Expired while the page sat open: solve a new one, the voter still waiting.
    job.challenge = null;
    job.payload = "";
    job.waiting = true;
    lock(form, parts(form).messages.msgChecking, parts(form).messages.msgWait);
    run();
    return;
  }
  input.value = job.payload;
  job.payload = ""; // a challenge buys one vote
  markOthers(form);
  job.challenge = null;
  const { messages } = parts(form);
  lock(form, messages.msgSending, messages.msgSending);
  sending = true;
  if (form.hasAttribute("data-vote-form") && globalThis.htmx) {
    globalThis.htmx.trigger(form, "vote-ready");
  } else {
    form.submit();
  }
}

// others=1 when the page shows other vote forms of the form's category: the answer then says
// whether this vote used the category's last one (they turn into a note), which with several votes
// per category costs the server a count it skips for a project's own page.
function markOthers(form) {
  const category = form.dataset.voteOffer;
  if (!category) return;
  const others = document.querySelectorAll(`form[data-vote-offer="${CSS.escape(category)}"]`).length > 1;
  let field = form.querySelector("input[name=others]");
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = "others";
    form.append(field);
  }
  field.value = others ? "1" : "";
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const input = form.querySelector("input[data-pow]");
  if (!input && !form.hasAttribute("data-vote-form")) return;
  event.preventDefault();
  if (!input) {
    // No proof of work asked for (VOTING_POW_REQUIRED off): just send, once.
    if (form.getAttribute("aria-busy") === "true") return;
    const { messages } = parts(form);
    lock(form, messages.msgSending || "…", messages.msgSending);
    markOthers(form);
    if (globalThis.htmx) globalThis.htmx.trigger(form, "vote-ready");
    else form.submit();
    return;
  }
  const job = jobFor(input);
  if (job.busy) return; // the first tap is being served
  job.busy = true;
  if (job.payload && valid(job)) {
    send(job);
    return;
  }
  job.waiting = true;
  const { messages } = parts(form);
  lock(form, messages.msgChecking, messages.msgWait);
  showProgress(job);
  run();
});

// The vote's answer is in (htmx swaps it in): back to preparing the other forms on screen.
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail?.elt instanceof HTMLFormElement && event.detail.elt.hasAttribute("data-vote-form")) {
    sending = false;
    setTimeout(run, 0);
  }
});

// Back to this page from the browser's history (a vote with a code posts a page): buttons work again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  sending = false;
  for (const job of jobs.values()) {
    job.busy = false;
    job.waiting = false;
    unlock(job.form);
  }
  run();
});

// A vote htmx could not deliver, or that the server failed on: the button works again and says so.
for (const name of ["htmx:sendError", "htmx:responseError"]) {
  document.addEventListener(name, (event) => {
    const form = event.detail?.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote-form")) return;
    const input = form.querySelector("input[data-pow]");
    if (input) failed(jobFor(input));
    else unlock(form, parts(form).messages.msgFailed);
  });
}

// --- which forms are on screen ----------------------------------------------------------------------

const observer =
  "IntersectionObserver" in globalThis
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            const input = entry.target.querySelector("input[data-pow]");
            if (input && jobs.has(input)) jobs.get(input).near = entry.isIntersecting;
          }
          run();
        },
        { rootMargin: "50% 0px" },
      )
    : null;

function scan(root) {
  for (const input of root.querySelectorAll("input[data-pow]")) {
    const job = jobFor(input);
    if (!observer) job.near = true; // an old browser: solve in page order
  }
  run();
}

scan(document);
document.addEventListener("htmx:load", (event) => scan(event.target instanceof Element ? event.target : document));
document.addEventListener("visibilitychange", run);
