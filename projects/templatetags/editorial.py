"""Template access to the work queues for the admin's start page."""

from django import template

from .. import queues

register = template.Library()


@register.simple_tag
def work_queues(user):
    return queues.start_page_queues(user)
