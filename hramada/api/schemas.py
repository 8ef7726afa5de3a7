"""What the API returns: public ids only (the ULIDs of the site's addresses), never database ids."""

from datetime import datetime

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
    published_at: datetime | None = None
    url: str


class NewsPage(Page):
    items: list[NewsPost]


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
