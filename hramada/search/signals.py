"""Keep the index current: after a save or a delete of an indexed object commits, reindex it (which
removes it when the public may no longer see it). A failure here is logged and never fails the save."""

import logging
from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .sources import SOURCES

log = logging.getLogger(__name__)


def _reindex(model, pk, public_id):
    from . import services

    try:
        obj = model.objects.filter(pk=pk).only("pk", "public_id").first()
        if obj is None:
            services.remove_public_id(model, public_id)
        else:
            services.index_object(obj)
            if model._meta.label == "contests.Edition":
                for project in obj.projects.only("pk", "public_id"):
                    services.index_object(project)
    except Exception:  # the index is a copy: never lose the user's save over it
        log.exception("search: could not reindex %s %s", model._meta.label, public_id)


def on_save(sender, instance, **kwargs):
    transaction.on_commit(partial(_reindex, sender, instance.pk, instance.public_id))


def on_delete(sender, instance, **kwargs):
    transaction.on_commit(partial(_reindex, sender, instance.pk, instance.public_id))


def on_post_links(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and hasattr(instance, "public_id"):
        transaction.on_commit(partial(_reindex, type(instance), instance.pk, instance.public_id))


def connect():
    for source in SOURCES.values():
        model = apps.get_model(source.model_path)
        post_save.connect(on_save, sender=model, dispatch_uid=f"search-save-{source.kind}")
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"search-delete-{source.kind}")
    post = apps.get_model("news.Post")
    m2m_changed.connect(
        on_post_links, sender=post.communities.through, dispatch_uid="search-post-communities"
    )
