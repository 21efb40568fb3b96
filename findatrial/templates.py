"""Django's template engine, with templates that let go of their context
once they have rendered.

Django's ``RequestContext`` and the ``ContextDict`` that holds a view's
values refer to each other (``make_context`` pushes the view's dict, and
the pushed dict keeps its context), so a rendered page's context is never
freed when the request ends: everything the page showed (the filter set
and its form, the projects, their sites) waits for the garbage collector.
On a listing page that was about 1,000 objects a request, and a young
collection every twenty or so requests, 6-10 ms each, in the middle of
whichever request crossed the threshold (``findatrial/wsgi.py``). Emptying
the context's list of dicts after rendering breaks the cycle; nothing reads
a context after its template has rendered (the test client keeps a copy
with its own list).
"""

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()
