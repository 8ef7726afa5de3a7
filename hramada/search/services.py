"""Writes of the search index: index one object (or remove it when the public may no longer see it),
and rebuild everything. Called by the signals (after the transaction commits), by the periodic catch-up
job and by ``manage.py rebuild_search_index``."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import SearchDocument
from .sources import SOURCES, Source, source_for
from .text import keys_text


def _documents(source: Source, obj) -> list[SearchDocument]:
    settlement = source.place(obj)
    region = settlement.region if settlement is not None else None
    url_name, url_args = source.url(obj)
    out = []
    for doc in source.docs(obj):
        if not doc.title:
            continue
        out.append(
            SearchDocument(
                kind=source.kind,
                public_id=obj.public_id,
                language=doc.language,
                title=doc.title[:400],
                text=doc.text,
                # The extra words are searched through their keys (FTS on both engines) and never appear
                # in a snippet.
                translit=keys_text(f"{doc.title} {doc.text} {doc.extra}"),
                country=region.country.code if region is not None else "",
                region=region.code if region is not None else "",
                settlement=settlement.name[:120] if settlement is not None else "",
                year=source.year(obj),
                url_name=url_name,
                url_args=url_args,
            )
        )
    return out


def index_object(obj) -> int:
    """(Re)index ``obj`` if anyone may see it, else remove it. Returns the number of documents stored."""
    source = source_for(obj)
    if source is None:
        return 0
    public = source.public().filter(pk=obj.pk)
    if source.related:
        public = public.select_related(*source.related)
    current = public.first()
    with transaction.atomic():
        SearchDocument.objects.filter(kind=source.kind, public_id=obj.public_id).delete()
        if current is None:
            return 0
        docs = _documents(source, current)
        SearchDocument.objects.bulk_create(docs)
    return len(docs)


def remove_object(obj) -> None:
    remove_public_id(type(obj), obj.public_id)


def remove_public_id(model, public_id: str) -> None:
    source = next((s for s in SOURCES.values() if s.model_path == model._meta.label), None)
    if source is not None:
        SearchDocument.objects.filter(kind=source.kind, public_id=public_id).delete()


def rebuild(kinds=None) -> int:
    """Index every public object of ``kinds`` (all by default) afresh. Returns the documents stored."""
    total = 0
    with transaction.atomic():
        for kind, source in SOURCES.items():
            if kinds and kind not in kinds:
                continue
            SearchDocument.objects.filter(kind=kind).delete()
            qs = source.public()
            if source.related:
                qs = qs.select_related(*source.related)
            batch = []
            for obj in qs.order_by("pk").iterator(chunk_size=500):
                batch.extend(_documents(source, obj))
                if len(batch) >= 500:
                    SearchDocument.objects.bulk_create(batch)
                    total += len(batch)
                    batch = []
            SearchDocument.objects.bulk_create(batch)
            total += len(batch)
    return total


CATCH_UP = timedelta(minutes=3)


def catch_up() -> int:
    """The periodic job: reindex what changed lately without a model signal (an edition published, a
    scheduled post, a status set with ``QuerySet.update``): every object of every kind updated in the
    last few minutes, and the projects of editions updated then. Returns how many objects it looked at."""
    since = timezone.now() - CATCH_UP
    seen = 0
    for kind, source in SOURCES.items():
        for obj in source.model.objects.filter(updated_at__gte=since).only("pk", "public_id"):
            index_object(obj)
            seen += 1
            if kind == "edition":
                for project in obj.projects.only("pk", "public_id"):
                    index_object(project)
                    seen += 1
    return seen
