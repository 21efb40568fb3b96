"""Keep the condition names on each project row (used by search) in step
with the conditions themselves, whichever code changed them."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Condition, Project
from .search import projects_with_condition, refresh_search_conditions


@receiver(m2m_changed, sender=Project.conditions.through)
def conditions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_search_conditions([instance.pk])
        return
    # condition.projects.add(...): ``instance`` is the condition.
    if action == "pre_clear":
        instance._projects_before_clear = projects_with_condition(instance)
    elif action == "post_clear":
        refresh_search_conditions(getattr(instance, "_projects_before_clear", []))
    elif action in {"post_add", "post_remove"}:
        refresh_search_conditions(pk_set)


@receiver(post_save, sender=Condition)
def condition_renamed(sender, instance, created, **kwargs):
    if not created:
        refresh_search_conditions(projects_with_condition(instance))
