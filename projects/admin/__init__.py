"""The editorial admin: projects (``project``), the records pages share
(``records``), the review panel (``review``), forms and filters."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import project, records  # noqa: F401  (registers the model admins)

admin.site.site_header = _("Find a Trial editorial")
admin.site.site_title = _("Find a Trial editorial")
admin.site.index_title = _("Your work")
