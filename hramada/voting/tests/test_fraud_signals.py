"""The fraud signals that tell attacks from honest crowds (``voting.fraud.evaluate``; pure, no database).

Each test builds the log rows a vote would leave (time, project, network hash, account age, e-mail
flag) around a background of ordinary votes, and checks what an organiser would be shown.
"""

from datetime import UTC, datetime, timedelta

from hramada.voting import fraud

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR, DAY = 3600, 86400


def row(key, *, project="p", minutes=0.0, network=None, age=400 * DAY, aliased=False):
    return fraud.Row(
        key=key,
        project=project,
        at=START + timedelta(minutes=minutes),
        network=network or f"net-{key}",
        ua="chrome/mobile",
        age=age,
        aliased=aliased,
        vote=key,
    )


def background(n=1000, recent_every=8):
    """Ordinary votes over a week for 20 projects, every ``recent_every``-th from an account made
    ten days before (people who signed up earlier this season), the rest from old accounts."""
    return [
        row(
            f"bg{i}",
            project=f"p{i % 20}",
            minutes=i * 7 * 24 * 60 / n,
            age=10 * DAY if i % recent_every == 0 else 400 * DAY,
        )
        for i in range(n)
    ]


def flags_of(rows):
    return {f.row.key: f for f in fraud.evaluate(rows)}


def flagged_keys(rows, prefix):
    return {k for k, f in flags_of(rows).items() if f.flagged and str(k).startswith(prefix)}


# --- Many new accounts on one network -------------------------------------------------------------------


def test_very_many_new_accounts_from_one_network_in_a_day_are_flagged():
    """Fifty new-account votes from one network within a day, paced so that no hour has eight: only
    the day's count can see them (one attacker's home or server making accounts all day)."""
    paced = [
        row(f"bot{i}", project=f"p{i % 20}", minutes=2 * 24 * 60 + i * 25, network="one-home", age=600)
        for i in range(50)
    ]
    flags = flags_of(background() + paced)
    assert all(flags[f"bot{i}"].flagged for i in range(50))
    assert (
        "50 votes by accounts younger than 24 h from the same network within 24 hours"
        in (flags["bot0"].signals["network_flood"])
    )
    # One fewer in the day is not a flood.
    assert not flagged_keys(background() + paced[:49], "bot")


def test_a_school_signing_up_in_class_is_not_flagged():
    """Thirty pupils sign up and vote for their village's project within a quarter of an hour on the
    school's one address: a burst and several new accounts on one network, which describe the same crowd and
    count as one weak signal."""
    school = [
        row(f"pupil{i}", project="village", minutes=3 * 24 * 60 + i / 2, network="school", age=300 + 10 * i)
        for i in range(30)
    ]
    flags = flags_of(background() + school)
    assert {"burst", "network_new_accounts"} <= set(flags["pupil0"].signals)
    assert not flagged_keys(background() + school, "pupil")
    # Another kind of weak signal on top (a +tag address) does flag that vote.
    school[3].aliased = True
    assert flagged_keys(background() + school, "pupil") == {"pupil3"}


# --- Accounts made beforehand, each voting from another network -------------------------------------


def test_a_burst_from_accounts_made_in_the_weeks_before_is_flagged():
    """Forty accounts made over the previous fortnight vote for a popular project within an hour, each
    from another network: far more recent accounts in that hour than the other projects' share
    predicts (over the whole vote, the project's many other votes hide them)."""
    popular = [row(f"fan{i}", project="p7", minutes=i * 30, age=400 * DAY) for i in range(300)]
    bots = [
        row(f"bot{i}", project="p7", minutes=4 * 24 * 60 + i * 1.5, age=int((1 + i / 3) * DAY))
        for i in range(40)
    ]
    flags = flags_of(background() + popular + bots)
    assert all(flags[f"bot{i}"].flagged for i in range(40))
    assert "recent_accounts_project" not in flags["bot0"].signals
    why = flags["bot39"].signals["recent_accounts_hour"]
    assert "within 60 minutes came from accounts made 1 h to 30 days before voting" in why
    assert "such accounts cast 13% of the other projects' votes" in why
    assert not any(f.flagged for k, f in flags.items() if not k.startswith("bot"))


def test_an_honest_surge_of_people_signing_up_on_the_spot_is_not_flagged():
    """The same burst from people who sign up and vote in one sitting (a social-media post), or from
    established voters, raises no recent-account signal."""
    for age in (240, 900, 400 * DAY):
        surge = [row(f"fan{i}", project="p7", minutes=4 * 24 * 60 + i * 1.5, age=age + i) for i in range(40)]
        flags = flags_of(background() + surge)
        assert not flagged_keys(background() + surge, "fan")
        assert not any(name.startswith("recent") for f in flags.values() for name in f.signals)


def test_a_project_whose_votes_come_mostly_from_recent_accounts_is_flagged():
    """Level C: accounts made beforehand vote for one project all week long, never many in an hour;
    over the whole vote their share of that project's votes stands out. Only the recent accounts'
    votes are flagged, not the project's other votes."""
    spread = [
        row(f"bot{i}", project="p3", minutes=30 + i * 200, age=int((2 + i % 10) * DAY)) for i in range(45)
    ]
    flags = flags_of(background() + spread)
    assert all(flags[f"bot{i}"].flagged for i in range(45))
    assert "recent_accounts_hour" not in flags["bot0"].signals
    why = flags["bot0"].signals["recent_accounts_project"]
    assert "of this project's" in why and "such accounts cast 13% of the other projects' votes" in why
    assert not any(f.flagged for k, f in flags.items() if k.startswith("bg") and f.row.project != "p3")
    # A project's ordinary share of recent accounts is not flagged: the background alone raises nothing.
    assert not any(f.flagged for f in fraud.evaluate(background()))


def test_recent_account_thresholds_can_be_overridden(settings):
    bots = [row(f"bot{i}", project="p7", minutes=4 * 24 * 60 + i, age=5 * DAY) for i in range(20)]
    assert flagged_keys(background() + bots, "bot")
    settings.VOTING_FRAUD_THRESHOLDS = {"recent_window_min_votes": 25, "recent_project_min_votes": 25}
    assert not flagged_keys(background() + bots, "bot")
