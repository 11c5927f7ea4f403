from django.apps import AppConfig


class DevDataConfig(AppConfig):
    """The demo newspaper (`demo_data`) and the benchmark archive (`seed_bench`). No runtime app imports it."""

    name = "devdata"
    verbose_name = "Demo and benchmark data"
