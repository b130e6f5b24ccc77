from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "debatte.notifications"
    label = "notifications"
    verbose_name = _("Notifications and webhooks")

    def ready(self) -> None:
        from debatte.accounts import forgetting
        from debatte.moderation import outbox
        from debatte.notifications import mail, reader_data, subscriptions, tasks, webhooks

        forgetting.register(self.label, forget=reader_data.forget)
        outbox.install(**{name: getattr(tasks, name) for name in outbox.MAILS})
        mail.connect()
        subscriptions.connect()
        webhooks.connect()
