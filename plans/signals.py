"""When the plan changes, its responsibilities follow (``plans.progress.sync``).

A task's timeline, its lead agencies and its milestones decide its rows; so do the
districts of the province. The rows are brought in step once, when the transaction that
changed them commits (a fixture load changes hundreds of rows in one transaction).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hoagiai.on_commit import gather
from units.models import AdminUnit

from .models import Milestone, Task, TaskAgency
from .progress import sync


def _later(task_id):
    gather("plan_tasks", None if task_id is None else {task_id}, sync)


@receiver([post_save, post_delete], sender=Task)
def task_changed(sender, instance, **kwargs):
    if kwargs.get("signal") is post_delete:
        return  # its rows went with it (on_delete=CASCADE)
    _later(instance.pk)


@receiver([post_save, post_delete], sender=TaskAgency)
@receiver([post_save, post_delete], sender=Milestone)
def task_part_changed(sender, instance, **kwargs):
    _later(instance.task_id)


@receiver(post_save, sender=AdminUnit)
def unit_changed(sender, instance, created, **kwargs):
    if created and instance.level == AdminUnit.Level.DISTRICT:
        _later(None)
