"""The mails moderation's decisions send, queued by name.

Notifications owns the mails and their background tasks (`notifications/tasks.py`) and installs
them here when Django starts (`NotificationsConfig.ready`), so moderation, a floor below it,
never imports notifications. The services call these as they would the tasks, after commit:
`transaction.on_commit(lambda: send_statement_mail.enqueue(statement.pk))`.
"""

from typing import Any

_tasks: dict[str, Any] = {}


class QueuedMail:
    def __init__(self, name: str) -> None:
        self.name = name

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        task = _tasks.get(self.name)
        if task is None:
            raise RuntimeError(f"No task for {self.name}: is debatte.notifications installed?")
        return task.enqueue(*args, **kwargs)


def install(**tasks: Any) -> None:
    """`install(send_statement_mail=<task>, ...)`: the task behind each name."""
    unknown = set(tasks) - set(MAILS)
    if unknown:
        raise ValueError(f"moderation.outbox has no mail {sorted(unknown)}")
    _tasks.update(tasks)


send_statement_mail = QueuedMail("send_statement_mail")  # DSA Art. 17, to the author
send_notice_confirmation = QueuedMail("send_notice_confirmation")  # Art. 16(4), to the notifier
send_notice_decision_mail = QueuedMail("send_notice_decision_mail")  # Art. 16(5), to the notifier
send_appeal_outcome_mail = QueuedMail("send_appeal_outcome_mail")  # Art. 20, to who appealed

MAILS = {
    mail.name: mail
    for mail in (
        send_statement_mail,
        send_notice_confirmation,
        send_notice_decision_mail,
        send_appeal_outcome_mail,
    )
}
