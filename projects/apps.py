from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "Research projects"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
