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
