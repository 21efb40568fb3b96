"""Browse pages: conditions, institutions and researchers from A to Z, and
one page for each with its listed projects.

What an entry is and how it is counted lives in ``projects.directory``;
these views read the query string, choose the letter and the page, and
turn anything they cannot read into a 404 (an unknown letter, a page past
the end, a name with no listed projects), never a 500.
"""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import directory
from .models import INITIALS, OTHER_INITIAL, Condition, Investigator, Organization

#: How "other" (names that start with a digit or an accented letter) reads in a URL.
OTHER_IN_URL = "other"


def letter_from_url(value: str) -> str:
    """``?letter=b`` -> "b"; ``?letter=other`` -> ``OTHER_INITIAL``; anything else is a 404."""
    value = value.strip().lower()
    if value in INITIALS:
        return value
    if value == OTHER_IN_URL:
        return OTHER_INITIAL
    raise Http404(_("There is no such letter."))


def letter_in_url(letter: str) -> str:
    return OTHER_IN_URL if letter == OTHER_INITIAL else letter


class DirectoryIndexView(TemplateView):
    """One letter of a directory, paginated, with links to the other letters.

    Without ``?letter=`` it shows the first letter that has entries, so the
    page is never empty while there is anything to browse.
    """

    template_name = "projects/browse/index.html"
    directory: directory.Directory
    title: str
    intro: str
    #: "Conditions starting with %(letter)s"
    letter_heading: str
    other_heading: str
    empty_text: str

    def get_context_data(self, **kwargs):
        in_use = self.directory.letters_in_use()
        requested = self.request.GET.get("letter")
        if requested is not None:
            letter = letter_from_url(requested)
        else:
            letter = next((x for x in (*INITIALS, OTHER_INITIAL) if x in in_use), INITIALS[0])
        try:
            page = self.directory.page(letter, self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            intro=self.intro,
            letters=[
                {
                    "key": letter_in_url(x),
                    "label": x.upper() if x != OTHER_INITIAL else OTHER_INITIAL,
                    "name": x.upper() if x != OTHER_INITIAL else _("Other characters"),
                    "current": x == letter,
                    "in_use": x in in_use,
                }
                for x in (*INITIALS, OTHER_INITIAL)
            ],
            letter_key=letter_in_url(letter),
            heading=(
                self.other_heading if letter == OTHER_INITIAL
                else self.letter_heading % {"letter": letter.upper()}
            ),
            empty_text=self.empty_text,
            page_obj=page,
            entries=page.object_list,
            # The letter is part of what the page is; other parameters are not.
            canonical_query={"letter": letter_in_url(letter), "page": page.number},
        )
        return context


class ConditionIndexView(DirectoryIndexView):
    directory = directory.conditions
    title = _("Conditions A to Z")
    intro = _(
        "Health conditions that published research and studies on Find a Trial are about, "
        "with how many projects each has."
    )
    letter_heading = _("Conditions starting with %(letter)s")
    other_heading = _("Conditions starting with a number or another character")
    empty_text = _("No condition with published projects starts with this letter yet.")


class InstitutionIndexView(DirectoryIndexView):
    directory = directory.institutions
    title = _("Institutions A to Z")
    intro = _(
        "Universities, hospitals and companies that sponsor a published study or hold "
        "the NIH grant of published research, with how many projects each has."
    )
    letter_heading = _("Institutions starting with %(letter)s")
    other_heading = _("Institutions starting with a number or another character")
    empty_text = _("No institution with published projects starts with this letter yet.")


class ResearcherIndexView(DirectoryIndexView):
    directory = directory.researchers
    title = _("Researchers A to Z")
    intro = _(
        "Scientists and doctors who lead or work on published research and studies, "
        "listed by first name, with how many projects each is on."
    )
    letter_heading = _("Researchers whose names start with %(letter)s")
    other_heading = _("Researchers whose names start with another character")
    empty_text = _("No researcher on published projects has a name starting with this letter yet.")


class DirectoryDetailView(TemplateView):
    """One condition, institution or researcher and its listed projects.

    A 404 unless at least one listed project links to it: a name that only
    drafts use is not public.
    """

    directory: directory.Directory
    template_name: str
    #: The A-to-Z page this one belongs to.
    index_url_name: str
    #: What the full search calls this filter, or "" when it has none.
    search_parameter = ""

    @cached_property
    def object(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        paginator = Paginator(self.directory.projects(self.object), directory.PROJECTS_PER_PAGE)
        if paginator.count == 0:
            raise Http404(_("Nothing published is linked to this page."))
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            page_obj=page,
            projects=page.object_list,
            search_url=self.search_url(),
            index_url=(
                f"{reverse(self.index_url_name)}?letter={letter_in_url(self.object.initial)}"
            ),
            canonical_query={"page": page.number},
        )
        return context

    def search_url(self) -> str:
        if not self.search_parameter:
            return ""
        return f"{reverse('projects:list')}?{self.search_parameter}={self.object.slug}"


class ConditionDetailView(DirectoryDetailView):
    directory = directory.conditions
    template_name = "projects/browse/condition_detail.html"
    index_url_name = "browse:conditions"
    search_parameter = "condition"

    @cached_property
    def object(self):
        return get_object_or_404(Condition, slug=self.kwargs["slug"])


class InstitutionDetailView(DirectoryDetailView):
    directory = directory.institutions
    template_name = "projects/browse/institution_detail.html"
    index_url_name = "browse:institutions"
    search_parameter = "sponsor"

    @cached_property
    def object(self):
        return get_object_or_404(Organization, slug=self.kwargs["slug"])


class ResearcherDetailView(DirectoryDetailView):
    """A researcher's page lives at ``/researchers/<id>-<name>/``; an address
    with an old or missing name part moves there for good."""

    directory = directory.researchers
    template_name = "projects/browse/researcher_detail.html"
    index_url_name = "browse:researchers"

    @cached_property
    def object(self):
        return get_object_or_404(
            Investigator.objects.select_related("organization"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        if kwargs.get("slug") != self.object.url_slug:
            # Only to a page that exists: a draft-only person stays a 404.
            if not self.directory.projects_of(self.object).exists():
                raise Http404(_("Nothing published is linked to this page."))
            target = self.object.get_absolute_url()
            if request.GET:
                target += "?" + request.GET.urlencode()
            return HttpResponsePermanentRedirect(target)
        return super().get(request, *args, **kwargs)
