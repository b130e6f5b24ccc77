from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`debatte demo`: a site with demo readers, staff, reasons and a seeded discussion. On the
    top floor: it fills every app below it."""

    name = "debatte.demo"
    label = "demo"
    verbose_name = "Demo"
