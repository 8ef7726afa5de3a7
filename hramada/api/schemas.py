"""What the API returns: public ids only (the ULIDs of the site's addresses), never database ids."""

from datetime import date, datetime

from ninja import Schema


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[dict] | None = None


class Page(Schema):
    next_cursor: str | None = None


class Place(Schema):
    settlement: str | None = None
    region: str | None = None
    country: str | None = None


class Organisation(Schema):
    id: str
    slug: str
    name: str
    kind: str
    description: str
    website: str
    country: str | None = None
    url: str


class OrganisationPage(Page):
    items: list[Organisation]


class Community(Schema):
    id: str
    slug: str
    name: str
    summary: str
    description: str
    place: Place
    url: str


class CommunityPage(Page):
    items: list[Community]


class Session(Schema):
    id: str
    title: str
    description: str
    format: str
    track: str | None = None
    starts_at: datetime
    ends_at: datetime
    language: str
    capacity: int | None = None
    needs_signup: bool
    speakers: list[str]


class Event(Schema):
    id: str
    slug: str
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    online: bool
    organisation: str
    place: Place
    registration_mode: str
    registration_open: bool
    capacity: int | None = None
    url: str


class EventDetail(Event):
    description: str
    sessions: list[Session]


class EventPage(Page):
    items: list[Event]


class Category(Schema):
    id: str
    title: str


class Stage(Schema):
    id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    is_open: bool


class Edition(Schema):
    id: str
    contest: str
    contest_slug: str
    organisation: str
    title: str
    year: int
    categories: list[Category]
    stages: list[Stage]
    url: str


class EditionPage(Page):
    items: list[Edition]


class Project(Schema):
    id: str
    edition: str
    category: str
    title: str
    summary: str
    place: Place
    community: str | None = None
    url: str


class ProjectPage(Page):
    items: list[Project]


class ResultRow(Schema):
    project: str
    title: str
    category: str
    votes: int
    annulled_votes: int


class Results(Schema):
    edition: str
    stage: str
    vote_open: bool
    counts_visible: bool
    counts_as_of: datetime | None = None
    rules: dict
    rules_document: str
    fingerprint: str
    ballot_url: str | None = None
    annulled_total: int
    projects: list[ResultRow]


class NewsPost(Schema):
    id: str
    organisation: str
    title: str
    excerpt: str
    language: str
    languages: list[str]
    tags: list[str]
    published_at: datetime | None = None
    url: str


class NewsPage(Page):
    items: list[NewsPost]


class Subject(Schema):
    """Something a post is about: ``kind`` is organisation, community, event, edition, programme,
    initiative or issue; ``id`` its public id."""

    kind: str
    id: str
    title: str
    url: str


class NewsPostDetail(NewsPost):
    body_html: str
    about: list[Subject]


class Partner(Schema):
    organisation: str
    name: str
    country: str


class Donor(Schema):
    organisation: str
    name: str


class Cohort(Schema):
    id: str
    slug: str
    title: str
    year: int
    starts_on: date
    ends_on: date
    description: str
    phase: str
    call_opens_at: datetime | None = None
    call_closes_at: datetime | None = None
    call_open: bool
    url: str


class Completed(Schema):
    """Distinct people who completed the programme, in how many cohorts, over how many years."""

    leaders: int
    cohorts: int
    years: int


class Programme(Schema):
    id: str
    slug: str
    title: str
    summary: str
    organisation: str
    partners: list[Partner]
    url: str


class ProgrammeDetail(Programme):
    description: str
    donors: list[Donor]
    cohorts: list[Cohort]
    completed: Completed


class ProgrammePage(Page):
    items: list[Programme]


class PeopleReached(Schema):
    attended: int
    volunteers: int
    volunteer_hours: str


class BudgetLine(Schema):
    title: str
    currency: str
    planned: str
    spent: str


class Initiative(Schema):
    id: str
    slug: str
    title: str
    summary: str
    starts_on: date | None = None
    ends_on: date | None = None
    community: str | None = None
    organisation: str | None = None
    place: Place
    url: str


class InitiativeDetail(Initiative):
    story: str
    funding: str
    people_reached: PeopleReached
    budget: list[BudgetLine]


class InitiativePage(Page):
    items: list[Initiative]


class Answer(Schema):
    kind: str
    label: str
    authority: str | None = None
    text: str
    planned_for: date | None = None
    at: datetime


class Issue(Schema):
    id: str
    title: str
    category: str
    category_title: str
    status: str
    status_label: str
    community: str
    place: Place
    address: str
    latitude: float | None = None
    longitude: float | None = None
    backing_count: int
    comment_count: int
    published_at: datetime | None = None
    first_answer_at: datetime | None = None
    resolved_at: datetime | None = None
    url: str


class IssueDetail(Issue):
    description: str
    authority: str | None = None
    answers: list[Answer]


class IssuePage(Page):
    items: list[Issue]


class IndicatorTable(Schema):
    """One table of the indicators page; a cell is a number, a text ("<5" for a small group, "—" for
    a hidden share, a place's name) or null."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[int | str | None]]


class Definition(Schema):
    term: str
    definition: str


class Indicators(Schema):
    scope: str
    period: str
    tables: list[IndicatorTable]
    definitions: list[Definition]
    url: str


class Challenge(Schema):
    """An ALTCHA challenge (version 2 parameters), as the vote button receives it."""

    parameters: dict
    signature: str
    maxNumber: int  # noqa: N815 - the name the web's challenge uses


class VoteIn(Schema):
    altcha: str = ""


class VoteOut(Schema):
    project: str
    receipt: str
    slot: int
    votes_per_category: int


class Withdrawn(Schema):
    project: str
    withdrawn: bool


class RegistrationOut(Schema):
    event: str
    id: str
    status: str


class Me(Schema):
    token: str
    name: str
    scopes: list[str]
    owner: str
    owner_kind: str
