"""Receivers of discussion events (see debatte/discussions/events.py)."""


def connect() -> None:
    """Connect this module's receivers to `discussion_event` (called once at start-up)."""
