"""Keep the accountability figures' cache honest (see accountability.py).

Any saved or deleted issue, timeline entry or settlement (its region) moves the revision once the
change has committed: a view that starts afterwards reads the new revision and computes the figures
again over the committed rows. Moving it after the commit (not inside the writer's transaction) keeps
writers from queueing on the one row; a view that computed the figures between the commit and the
move stores them under the old revision, which no later view reads.
"""

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hramada.places.models import Settlement

from .models import FiguresRevision, Issue, TimelineEntry


def move_revision() -> None:
    if not FiguresRevision.objects.filter(pk=1).update(number=F("number") + 1):
        FiguresRevision.objects.get_or_create(pk=1, defaults={"number": 1})  # a database flushed by a test


@receiver([post_save, post_delete], sender=Issue)
@receiver([post_save, post_delete], sender=TimelineEntry)
@receiver([post_save, post_delete], sender=Settlement)
def _figures_changed(sender, **kwargs):
    transaction.on_commit(move_revision)
