"""The load of bench/scale.py for locust (headless): visitors browse public pages, vote in the open public
vote and register for the event with limited places, with no pause between requests.

bench/scale.py writes the plan (``SCALE_PLAN``, JSON): the pages to browse and the prepared votes (session
cookie, CSRF token, the visitor's network, an already solved proof-of-work challenge) and registrations,
each sent at most once. When a phase's votes or registrations run out, visitors only browse, so the
writes are bounded. Every request is written to ``SCALE_OUT`` (JSON lines) when locust stops: when it was
sent and answered, what kind, the status (0: no answer) and, for a write, whether it was acknowledged (a vote's receipt
code; a registration's redirect to the event's registration) so the checks can compare with the database.
"""

import json
import os
import random
import re
import time

from locust import FastHttpUser, constant, events, task

with open(os.environ["SCALE_PLAN"], encoding="utf-8") as f:
    PLAN = json.load(f)
VOTES = iter(PLAN["votes"])
REGISTRATIONS = iter(PLAN["registrations"])
RECEIPT = re.compile(rb'class="receipt-code">([^<]+)<')
LOG: list[dict] = []
WEIGHTS = PLAN["weights"]


@events.quitting.add_listener
def _dump(environment, **_kwargs):
    with open(os.environ["SCALE_OUT"], "w", encoding="utf-8") as out:
        for line in LOG:
            out.write(json.dumps(line) + "\n")


class Visitor(FastHttpUser):
    wait_time = constant(0)
    # A refused vote or a redirect is not a failure for locust's own summary; our checks read LOG.
    network_timeout = 30.0
    connection_timeout = 10.0

    def _send(self, kind, method, path, headers, body=None, key=None):
        started = time.time()
        with self.client.request(
            method,
            path,
            name=kind,
            headers=headers,
            data=body,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = response.status_code or 0
            line = {"t": started, "end": time.time(), "kind": kind, "status": status}
            if key is not None:
                line["key"] = key
            if kind == "vote" and status == 200:
                match = RECEIPT.search(response.content or b"")
                line["receipt"] = match.group(1).decode().strip() if match else None
            if kind == "register" and status == 302:
                line["ack"] = "#registration" in (response.headers.get("Location") or "")
            LOG.append(line)
            if status >= 500 or status == 0:
                response.failure(f"status {status}")
            else:
                response.success()

    @task(WEIGHTS["browse"])
    def browse(self):
        item = random.choice(PLAN["browse"])  # noqa: S311 - load, not security
        self._send("browse", "GET", item["path"], item["headers"])

    @task(WEIGHTS["vote"])
    def vote(self):
        item = next(VOTES, None)
        if item is None:
            return self.browse()
        self._send("vote", "POST", item["path"], item["headers"], item["body"], item["key"])

    @task(WEIGHTS["register"])
    def register(self):
        item = next(REGISTRATIONS, None)
        if item is None:
            return self.browse()
        self._send("register", "POST", item["path"], item["headers"], item["body"], item["key"])
