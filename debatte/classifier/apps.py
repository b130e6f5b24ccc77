from django.apps import AppConfig


class ClassifierConfig(AppConfig):
    name = "debatte.classifier"
    label = "classifier"
    verbose_name = "Toxicity classifier"
