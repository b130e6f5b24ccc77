"""Fixtures of the live-update tests; the helpers live in live_servers.py."""

from live_servers import database, installation, redis_url

__all__ = ["database", "installation", "redis_url"]
