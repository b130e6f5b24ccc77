"""Errors that services raise and interfaces turn into messages for the user."""


class ActionError(Exception):
    """A request the rules do not allow; the message is shown to the user as it is."""

    code = "not_allowed"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotPermitted(ActionError):
    code = "forbidden"
