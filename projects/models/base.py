"""Small pieces shared by the model modules: slugs, named records and the
first letter that files a name on the public A-to-Z pages."""

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Lower, Substr
from django.db.models.lookups import In
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

#: The letters of the public A-to-Z pages (conditions, institutions, researchers).
INITIALS = tuple("abcdefghijklmnopqrstuvwxyz")
#: Where a name that starts with anything else (a digit, an accented letter) is filed.
OTHER_INITIAL = "#"


def unique_slug(model, text: str, max_length: int = 80, exclude_pk=None) -> str:
    """Slugify ``text`` and add a numeric suffix until no ``model`` row uses it."""
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = model._default_manager.exclude(pk=exclude_pk)
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug = f"{base[: max_length - len(str(n)) - 1]}-{n}"
        n += 1
    return slug


def unique_slugs(model, texts, max_length: int = 80) -> list[str]:
    """``unique_slug`` for many new rows at once (imports): one query when,
    as usual, no row uses the slugs yet; slugs within ``texts`` differ too."""
    bases = [slugify(text)[:max_length].strip("-") or "item" for text in texts]
    manager = model._default_manager
    taken = set(manager.filter(slug__any=list(set(bases))).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken or (slug != base and manager.filter(slug=slug).exists()):
            taken.add(slug)
            slug = f"{base[: max_length - len(str(n)) - 1]}-{n}"
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def initial_field(source: str = "name") -> models.GeneratedField:
    """The lower-case first letter of ``source`` (or ``OTHER_INITIAL``), kept by
    the database itself, so rows written by ``bulk_create`` or ``update()`` are
    filed too and a letter page is one indexed range, whatever the collation."""
    first = Substr(Lower(source), 1, 1)
    return models.GeneratedField(
        expression=Case(When(In(first, INITIALS), then=first), default=Value(OTHER_INITIAL)),
        output_field=models.CharField(max_length=1),
        db_persist=True,
        verbose_name=_("first letter"),
    )


class NamedSlugModel(models.Model):
    """A record known by its name and reachable in URLs by its slug."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    initial = initial_field()

    class Meta:
        abstract = True
        ordering = ["name"]
        # A letter of the public A-to-Z pages, in name order (projects.directory).
        indexes = [models.Index(fields=["initial", "name"], name="%(class)s_initial_name")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)
