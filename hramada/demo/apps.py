from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hramada.demo"
    label = "demo"
    verbose_name = "Demo data"
