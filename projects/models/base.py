"""Small pieces shared by the model modules: slugs and named records."""

from django.db import models
from django.utils.text import slugify


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
    taken = set(manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
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


class NamedSlugModel(models.Model):
    """A record known by its name and reachable in URLs by its slug."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)
