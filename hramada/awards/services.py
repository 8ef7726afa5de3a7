"""Every change in awards: the expert review and jury rounds, the finalist rule, finalists, awards,
sponsors' pledges and the publication of results.

Organiser actions need ``contests.manage_contest`` on the contest's organisation; a pledge is declared
by a manager of the sponsor organisation. Each function is one transaction and is audited in the
contest organisation's log.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hramada.contests.models import Category, Project
from hramada.contests.services import require_manager
from hramada.core import audit, registry
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.core.translated import LANGS, set_translated
from hramada.orgs.models import Organisation
from hramada.reviews import services as review_services
from hramada.reviews.models import Purpose

from . import selectors, tasks
from .models import Award, Finalist, FinalistRule, Pledge, Publication, ReviewStage

CURRENCIES = ("BYN", "EUR", "USD", "PLN")


def _scope(edition):
    return (Organisation, edition.contest.organisation_id)


def _require(actor, edition):
    require_manager(actor, edition.contest)


def _not_published(edition):
    if Publication.objects.filter(edition=edition).exists():
        raise DomainError(_("The results of this edition are published; they can no longer change."))


def _project_items(projects) -> list[dict]:
    return [
        {
            "subject_key": selectors.subject_key(p),
            "title": p.title,
            "url": reverse("contests:project", args=[p.public_id]),
            "organisation_id": getattr(p, "organisation_id", None),
        }
        for p in projects
    ]


# --- Expert review and jury rounds ---------------------------------------------------------------------


@transaction.atomic
def start_expert_review(
    *, actor, edition, rubric, reviews_per_item: int = 3, normalise: bool = True, closes_at=None
) -> ReviewStage:
    """Open the edition's expert review: a reviews round whose items are its eligible projects."""
    _require(actor, edition)
    if ReviewStage.objects.filter(edition=edition, kind=ReviewStage.Kind.EXPERT).exists():
        raise DomainError(_("The expert review of this edition has already started."))
    projects = list(
        Project.objects.filter(edition=edition, status=Project.Status.ELIGIBLE).order_by(
            "category_id", "title"
        )
    )
    if not projects:
        raise DomainError(_("There are no eligible projects to review yet."))
    round_ = review_services.create_round(
        actor=actor,
        organisation=edition.contest.organisation,
        title=_("%(edition)s: expert review") % {"edition": edition},
        rubric=rubric,
        purpose=Purpose.EXPERT_REVIEW,
        reviews_per_item=reviews_per_item,
        normalise=normalise,
        closes_at=closes_at,
        subject_label=_("project"),
    )
    review_services.add_items(actor=actor, round=round_, items=_project_items(projects))
    stage = ReviewStage.objects.create(edition=edition, kind=ReviewStage.Kind.EXPERT, round=round_)
    audit.record(
        actor=actor,
        action="awards.expert_review.started",
        target=edition,
        scope=_scope(edition),
        data={"round": round_.public_id, "projects": len(projects), "normalise": bool(normalise)},
    )
    return stage


@transaction.atomic
def start_jury(*, actor, edition, rubric, reviews_per_item: int = 5, closes_at=None) -> ReviewStage:
    """Open the jury final: a reviews round of the confirmed finalists, scored with the jury's rubric."""
    _require(actor, edition)
    if ReviewStage.objects.filter(edition=edition, kind=ReviewStage.Kind.JURY).exists():
        raise DomainError(_("The jury final of this edition has already started."))
    finalists = list(selectors.finalists(edition))
    if not finalists:
        raise DomainError(_("Confirm the finalists before starting the jury final."))
    round_ = review_services.create_round(
        actor=actor,
        organisation=edition.contest.organisation,
        title=_("%(edition)s: jury final") % {"edition": edition},
        rubric=rubric,
        purpose=Purpose.JURY,
        reviews_per_item=reviews_per_item,
        normalise=False,
        closes_at=closes_at,
        subject_label=_("finalist"),
    )
    review_services.add_items(actor=actor, round=round_, items=_project_items([f.project for f in finalists]))
    stage = ReviewStage.objects.create(edition=edition, kind=ReviewStage.Kind.JURY, round=round_)
    audit.record(
        actor=actor,
        action="awards.jury.started",
        target=edition,
        scope=_scope(edition),
        data={"round": round_.public_id, "finalists": len(finalists)},
    )
    return stage


# --- The finalist rule and finalists --------------------------------------------------------------------


def _weight(value, field) -> Decimal:
    try:
        weight = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("A weight must be a number from 0 to 1."), field=field) from None
    if not weight.is_finite() or not Decimal(0) <= weight <= Decimal(1):
        raise DomainError(_("A weight must be a number from 0 to 1."), field=field)
    return weight


@transaction.atomic
def set_finalist_rule(
    *,
    actor,
    edition,
    method: str,
    finalists_per_category: int,
    vote_weight=Decimal("0.5"),
    expert_weight=Decimal("0.5"),
    use_normalised: bool = True,
    tie_break: str = FinalistRule.TieBreak.VOTES,
) -> FinalistRule:
    """Set how finalists are chosen; refused once the rule is frozen (finalists confirmed)."""
    _require(actor, edition)
    rule = FinalistRule.objects.select_for_update().filter(edition=edition).first()
    if rule is not None and rule.is_frozen:
        raise DomainError(_("The finalist rule is frozen: finalists have been confirmed under it."))
    if method not in FinalistRule.Method.values:
        raise DomainError(_("Choose a method."), field="method")
    if tie_break not in FinalistRule.TieBreak.values:
        raise DomainError(_("Choose a tie-break."), field="tie_break")
    try:
        n = int(finalists_per_category)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 100:
        raise DomainError(
            _("Give the number of finalists per category (1 to 100)."), field="finalists_per_category"
        )
    if method == FinalistRule.Method.FORMULA:
        w_vote, w_expert = _weight(vote_weight, "vote_weight"), _weight(expert_weight, "expert_weight")
        if w_vote + w_expert != Decimal(1):
            raise DomainError(
                _("The two weights must add up to 1 (for example 0.5 and 0.5)."), field="vote_weight"
            )
    else:
        w_vote, w_expert = Decimal("0.5"), Decimal("0.5")  # unused by the historical rule
    rule = rule or FinalistRule(edition=edition)
    rule.method, rule.finalists_per_category = method, n
    rule.vote_weight, rule.expert_weight = w_vote, w_expert
    rule.use_normalised, rule.tie_break = bool(use_normalised), tie_break
    rule.save()
    audit.record(
        actor=actor,
        action="awards.rule.set",
        target=edition,
        scope=_scope(edition),
        data=selectors.rule_document(rule),
    )
    return rule


def propose_finalists(edition):
    """The rule applied to each category, with an explanation per project (reads only)."""
    return selectors.proposal(edition)


@transaction.atomic
def confirm_finalists(*, actor, edition, category, projects, reason: str = "", now=None) -> list[Finalist]:
    """Confirm a category's finalists (in order); this freezes the rule. Departing from the rule's
    proposal needs a reason, which is audited and published."""
    _require(actor, edition)
    _not_published(edition)
    now = now or timezone.now()
    rule = FinalistRule.objects.select_for_update().filter(edition=edition).first()
    if rule is None:
        raise DomainError(_("Set the finalist rule first."))
    if category.edition_id != edition.pk:
        raise DomainError(_("This category belongs to another edition."))
    Category.objects.select_for_update().filter(pk=category.pk).first()
    if Finalist.objects.filter(category=category).exists():
        raise DomainError(_("The finalists of this category are already confirmed."))
    projects = list(projects)
    ids = [p.pk for p in projects]
    if not projects:
        raise DomainError(_("Choose at least one finalist."))
    if len(set(ids)) != len(ids):
        raise DomainError(_("A project is chosen twice."))
    fresh = {p.pk: p for p in Project.objects.filter(pk__in=ids)}
    for project in projects:
        found = fresh.get(project.pk)
        if found is None or found.category_id != category.pk or found.status != Project.Status.ELIGIBLE:
            raise DomainError(
                _("“%(t)s” is not an eligible project of this category.") % {"t": project.title}
            )
    plan = selectors.rank_category(
        rule,
        list(Project.objects.filter(category=category, status=Project.Status.ELIGIBLE)),
        selectors.expert_results(edition),
    )
    proposed = [row.project.pk for row in plan if row.selected]
    rows = {row.project.pk: row for row in plan}
    deviates = set(ids) != set(proposed)
    reason = (reason or "").strip()
    if deviates and not reason:
        raise DomainError(
            _("This list departs from the rule's proposal; give the reason (it will be published)."),
            field="reason",
        )
    if not rule.is_frozen:
        rule.frozen_at = now
        rule.fingerprint = selectors.rule_fingerprint(rule)
        rule.save(update_fields=["frozen_at", "fingerprint", "updated_at"])
    created = []
    try:
        with transaction.atomic():
            for position, project_id in enumerate(ids, start=1):
                row = rows[project_id]
                source = row.source if row.selected else Finalist.Source.ORGANISERS
                created.append(
                    Finalist.objects.create(
                        edition=edition,
                        category=category,
                        project=fresh[project_id],
                        source=source,
                        position=position,
                        explanation={**row.data(), "source": source},
                        deviation_reason=reason if deviates else "",
                        confirmed_at=now,
                        confirmed_by=actor,
                    )
                )
    except IntegrityError:
        raise DomainError(_("One of these projects is already a finalist.")) from None
    jury = (
        ReviewStage.objects.filter(edition=edition, kind=ReviewStage.Kind.JURY)
        .select_related("round")
        .first()
    )
    if jury is not None:
        review_services.add_items(
            actor=actor, round=jury.round, items=_project_items([f.project for f in created])
        )
    audit.record(
        actor=actor,
        action="awards.finalists.confirmed",
        target=category,
        scope=_scope(edition),
        data={
            "finalists": [fresh[i].public_id for i in ids],
            "proposed": [rows[i].project.public_id for i in proposed],
            "deviates": deviates,
            "reason": reason if deviates else "",
            "rule_fingerprint": rule.fingerprint,
        },
    )
    for finalist in created:
        enqueue_on_commit(tasks.send_finalist_email, finalist.pk)
    return created


@transaction.atomic
def undo_finalists(*, actor, edition, category, reason: str, notify_teams: bool = False) -> int:
    """Withdraw the confirmation of a category's finalists, with a reason (audited), while no award went to
    one of them and the jury has not scored them; their jury items go too and the rule stays frozen. The
    teams, already told they are finalists, are e-mailed only if ``notify_teams``. Returns how many."""
    _require(actor, edition)
    _not_published(edition)
    if category.edition_id != edition.pk:
        raise DomainError(_("This category belongs to another edition."))
    Category.objects.select_for_update().filter(pk=category.pk).first()
    finalists = list(
        Finalist.objects.select_for_update()
        .filter(category=category)
        .select_related("project")
        .order_by("position")
    )
    if not finalists:
        raise DomainError(_("The finalists of this category are not confirmed: there is nothing to undo."))
    refusal = selectors.undo_refusal(edition, category)
    if refusal:
        raise DomainError(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for undoing the confirmation (it is kept in the audit log)."), field="reason"
        )
    jury = selectors.review_stage(edition, ReviewStage.Kind.JURY)
    removed = 0
    if jury is not None:
        # Refused by reviews (nothing removed) if a juror submitted a score since the check above.
        removed = review_services.remove_items(
            actor=actor, round=jury.round, subject_keys=[selectors.subject_key(f.project) for f in finalists]
        )
    Finalist.objects.filter(pk__in=[f.pk for f in finalists]).delete()
    rule = selectors.rule_for(edition)
    audit.record(
        actor=actor,
        action="awards.finalists.undone",
        target=category,
        scope=_scope(edition),
        data={
            "finalists": [f.project.public_id for f in finalists],
            "reason": reason,
            "jury_items_removed": removed,
            "teams_notified": bool(notify_teams),
            "rule_fingerprint": rule.fingerprint if rule else "",
        },
    )
    if notify_teams:
        for finalist in finalists:
            enqueue_on_commit(tasks.send_finalist_withdrawn_email, finalist.project_id, category.pk)
    return len(finalists)


# --- Awards, pledges, winners ---------------------------------------------------------------------------


def _amount(value, field="amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The amount must be a number."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise DomainError(_("The amount must be zero or more."), field=field)
    return amount


def _currency(value) -> str:
    currency = (value or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError(
            _("Give the currency as a three-letter code, such as BYN or EUR."), field="currency"
        )
    return currency


def _set_title(obj, *, title, titles: dict, message: str) -> None:
    """Write the be/ru/en titles given (at least one), each trimmed to the column.

    A plain ``title`` is the text in the current language, as modeltranslation reads an untranslated
    assignment; it fills that language's title unless one was given for it.
    """
    values = {f"title_{lang}": (titles.get(f"title_{lang}") or "").strip()[:200] for lang in LANGS}
    if title is not None:
        lang = (translation.get_language() or "")[:2]
        key = f"title_{lang if lang in LANGS else LANGS[0]}"
        values[key] = values[key] or title.strip()[:200]
    set_translated(obj, "title", values, required_message=message)


def _titles_of(obj) -> dict:
    return {f"title_{lang}": getattr(obj, f"title_{lang}") or "" for lang in LANGS}


def _only_titles(values: dict) -> dict:
    unknown = set(values) - {f"title_{lang}" for lang in LANGS}
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    return values


def _check_category(edition, category):
    if category is not None and category.edition_id != edition.pk:
        raise DomainError(_("This category belongs to another edition."), field="category")


@transaction.atomic
def create_award(
    *,
    actor,
    edition,
    title: str | None = None,
    category=None,
    prize_amount=0,
    currency="BYN",
    sponsor=None,
    pledge=None,
    **titles,
) -> Award:
    """An award of the edition (per category or across it) with its prize, sponsor and a title in at
    least one of be/ru/en (``title_be``, ``title_ru``, ``title_en``; the others fall back to it)."""
    _require(actor, edition)
    _not_published(edition)
    award = Award(
        edition=edition,
        category=category,
        prize_amount=_amount(prize_amount, "prize_amount"),
        currency=_currency(currency),
        sponsor=sponsor,
        pledge=pledge,
    )
    _set_title(award, title=title, titles=_only_titles(titles), message=_("Give the award a title."))
    _check_category(edition, category)
    award.order = Award.objects.filter(edition=edition).count() + 1
    award.save()
    audit.record(
        actor=actor,
        action="awards.award.created",
        target=award,
        scope=_scope(edition),
        data={
            "amount": str(award.prize_amount),
            "currency": award.currency,
            "sponsor": sponsor.public_id if sponsor else None,
            "category": category.public_id if category else None,
        },
    )
    return award


@transaction.atomic
def decide_winner(*, actor, award, project, now=None) -> Award:
    """Give an award to a finalist (of the award's category, if it has one); refused once published."""
    edition = award.edition
    _require(actor, edition)
    _not_published(edition)
    award = Award.objects.select_for_update().get(pk=award.pk)
    # Locked: undoing the category's finalists at the same moment waits, or makes this one refused.
    finalist = Finalist.objects.select_for_update().filter(project=project, edition=edition).first()
    if finalist is None:
        raise DomainError(_("Only a finalist can win an award."), field="project")
    if award.category_id and finalist.category_id != award.category_id:
        raise DomainError(_("This award goes to a finalist of its own category."), field="project")
    previous = award.project
    award.project, award.decided_at, award.decided_by = project, now or timezone.now(), actor
    award.save(update_fields=["project", "decided_at", "decided_by", "updated_at"])
    ranking = [f.project_id for f, _result in selectors.jury_ranking(award)]
    audit.record(
        actor=actor,
        action="awards.winner.decided",
        target=award,
        scope=_scope(edition),
        data={
            "project": project.public_id,
            "previous": previous.public_id if previous else None,
            "jury_first": bool(ranking) and ranking[0] == project.pk,
        },
    )
    return award


@transaction.atomic
def declare_pledge(
    *,
    actor,
    edition,
    sponsor,
    amount,
    title: str | None = None,
    currency: str = "BYN",
    category=None,
    note: str = "",
    **titles,
) -> Pledge:
    """A manager of the sponsor organisation pledges a prize (their own nomination) for an edition; its
    title in at least one of be/ru/en."""
    if actor is None or not actor.has_perm("awards.declare_pledge", sponsor):
        raise DomainError(
            _("Only the owners and managers of the sponsor organisation can pledge in its name.")
        )
    _not_published(edition)
    pledge = Pledge(
        edition=edition,
        sponsor=sponsor,
        category=category,
        amount=_amount(amount),
        currency=_currency(currency),
        note=(note or "").strip(),
        declared_by=actor,
    )
    _set_title(pledge, title=title, titles=_only_titles(titles), message=_("Give the prize a title."))
    _check_category(edition, category)
    pledge.save()
    audit.record(
        actor=actor,
        action="awards.pledge.declared",
        target=pledge,
        scope=_scope(edition),
        data={"sponsor": sponsor.public_id, "amount": str(pledge.amount), "currency": pledge.currency},
    )
    return pledge


def _decide_pledge(actor, pledge, status, note, now):
    edition = pledge.edition
    _require(actor, edition)
    _not_published(edition)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status != Pledge.Status.DECLARED:
        raise DomainError(_("This pledge has already been decided."))
    pledge.status, pledge.decided_by, pledge.decided_at = status, actor, now or timezone.now()
    pledge.decision_note = (note or "").strip()
    pledge.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    return pledge


@transaction.atomic
def accept_pledge(*, actor, pledge, now=None) -> Award:
    """Organisers accept a sponsor's pledge: it becomes an award funded by that sponsor."""
    pledge = _decide_pledge(actor, pledge, Pledge.Status.ACCEPTED, "", now)
    award = create_award(
        actor=actor,
        edition=pledge.edition,
        **_titles_of(pledge),
        category=pledge.category,
        prize_amount=pledge.amount,
        currency=pledge.currency,
        sponsor=pledge.sponsor,
        pledge=pledge,
    )
    audit.record(
        actor=actor,
        action="awards.pledge.accepted",
        target=pledge,
        scope=_scope(pledge.edition),
        data={"award": award.public_id},
    )
    return award


@transaction.atomic
def decline_pledge(*, actor, pledge, reason: str = "", now=None) -> Pledge:
    """Organisers decline a sponsor's pledge (the sponsor sees the reason)."""
    pledge = _decide_pledge(actor, pledge, Pledge.Status.DECLINED, reason, now)
    audit.record(
        actor=actor,
        action="awards.pledge.declined",
        target=pledge,
        scope=_scope(pledge.edition),
        data={"reason": pledge.decision_note},
    )
    return pledge


@transaction.atomic
def publish_results(*, actor, edition, now=None) -> Publication:
    """Publish the edition's results; needs confirmed finalists and every award decided."""
    _require(actor, edition)
    _not_published(edition)
    if not Finalist.objects.filter(edition=edition).exists():
        raise DomainError(_("Confirm the finalists before publishing the results."))
    awards = list(Award.objects.select_for_update().filter(edition=edition))
    if not awards:
        raise DomainError(_("Add the awards before publishing the results."))
    undecided = [a.title for a in awards if a.project_id is None]
    if undecided:
        raise DomainError(
            _("Every award needs a winner before publishing; undecided: %(list)s.")
            % {"list": ", ".join(undecided)}
        )
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                edition=edition, published_at=now or timezone.now(), published_by=actor
            )
    except IntegrityError:
        raise DomainError(
            _("The results of this edition are published; they can no longer change.")
        ) from None
    rule = selectors.rule_for(edition)
    audit.record(
        actor=actor,
        action="awards.results.published",
        target=edition,
        scope=_scope(edition),
        data={
            "awards": len(awards),
            "finalists": Finalist.objects.filter(edition=edition).count(),
            "rule_fingerprint": rule.fingerprint if rule else "",
        },
    )
    for award in awards:
        enqueue_on_commit(tasks.send_winner_email, award.pk)
    registry.emit(
        "results.published",
        edition.contest.organisation_id,
        {
            "edition": edition.public_id,
            "published_at": publication.published_at.isoformat(),
            "awards": len(awards),
            "rule_fingerprint": rule.fingerprint if rule else "",
        },
    )
    return publication
