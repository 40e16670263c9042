"""The registry announces which communes changed; figures elsewhere follow (DESIGN §2).

``network`` never imports ``reports``: reports subscribes to ``registry_changed``. Saves and
deletes through the ORM send it from the handlers below; bulk paths (Excel imports, the demo
seeder) send it themselves, since bulk writes skip model signals.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import LegalSupport, MediationTeam, Mediator, MediatorAttendance, Training

# Sent with ``commune_ids``: a set of AdminUnit ids, or None for "every commune".
registry_changed = Signal()


def announce(commune_ids):
    registry_changed.send(sender=None, commune_ids=commune_ids)


@receiver([post_save, post_delete], sender=MediationTeam)
def team_changed(sender, instance, **kwargs):
    announce({instance.commune_id})


@receiver([post_save, post_delete], sender=Mediator)
@receiver([post_save, post_delete], sender=LegalSupport)
def team_member_changed(sender, instance, **kwargs):
    # filter(), not get(): on a cascade the team may be gone already.
    communes = MediationTeam.objects.filter(pk=instance.team_id).values_list(
        "commune_id", flat=True
    )
    announce(set(communes))


@receiver([post_save, post_delete], sender=MediatorAttendance)
def attendance_changed(sender, instance, **kwargs):
    commune = Mediator.objects.filter(pk=instance.mediator_id).values_list(
        "team__commune_id", flat=True
    )
    announce(set(commune))


@receiver(post_save, sender=Training)
def training_changed(sender, instance, **kwargs):
    # Its date or programme may have changed: every commune of its attendees.
    communes = instance.mediators.values_list("mediator__team__commune_id", flat=True)
    announce(set(communes))
