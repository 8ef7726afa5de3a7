"""The proof-of-work worker the vote button runs is what pow_worker_build writes (it is generated:
the SHA-256 rounds are written out one by one), and it covers the challenges the server issues.
That it finds the counters the server checks is shown in a real browser by e2e/test_contests.py."""

from hramada.voting import antifraud, pow_worker_build


def test_the_worker_file_is_the_generated_one():
    assert pow_worker_build.TARGET.read_text(encoding="utf-8") == pow_worker_build.source(), (
        "voting/static/voting/pow-worker.js is out of date: run "
        ".venv/bin/python -m hramada.voting.pow_worker_build"
    )


def test_the_fast_search_covers_what_the_server_issues(settings):
    """The worker's fast path expects SHA-256, cost 1 and an 8-byte key prefix (16 hex digits); any
    other challenge is still solved, but slowly."""
    settings.HASH_KEY = "test"
    parameters = antifraud.new_challenge(2, project="P")["parameters"]
    assert parameters["algorithm"] == "SHA-256" and parameters["cost"] == 1
    assert len(parameters["keyPrefix"]) == 16 and len(parameters["salt"]) == len(parameters["nonce"]) == 32
    assert parameters.get("keyLength", 32) == 32
