"""The one generated corpus every system serves: pure Python, imported by Debatte's seeder and by
Isso's (which runs in Isso's own virtual environment, without Django).

Three discussions of 10, 1,000 and 10,000 comments, 30 % of them replies: every seventh
top-level comment (#1, #8, ...) opens a thread of 3 replies. 17 more articles of 10 comments make
the 20 whose comment counts are asked for in one request, and one empty article takes the new
comments of the posting run.
"""

SIZES = (10, 1_000, 10_000)
REPLIES_PER_THREAD = 3
THREAD_EVERY = 7  # top-level #1, #8, #15, ... have replies
COUNT_ARTICLES = 20
POST_KEY = "bench-post"
AUTHORS = ("Leserin mit Abo", "Leser ohne Abo", "Redaktion")
DAY = 86_400


def key(size: int, index: int = 0) -> str:
    """The article key (and Isso's thread uri without its slash)."""
    return f"bench-{size}" if index == 0 else f"bench-{size}-{index}"


def articles() -> list[tuple[str, int]]:
    """(key, size) of every article with comments: the three sizes, then 10-comment fillers."""
    keys = [(key(size), size) for size in SIZES]
    keys += [(key(10, i), 10) for i in range(1, COUNT_ARTICLES - len(SIZES) + 1)]
    return keys


def count_keys() -> list[str]:
    """The 20 articles whose counts are asked for together (the big ones among them)."""
    return [k for k, _ in articles()][:COUNT_ARTICLES]


def top_level(size: int) -> int:
    """Top-level comments of a discussion of `size`: 70 % (7 of every 10)."""
    return size * 7 // 10


def has_replies(number: int) -> bool:
    return number % THREAD_EVERY == 1


def text(number: int, reply: int = 0) -> str:
    """A comment's text: a few sentences, varied in length, no markup."""
    if reply:
        return f"Antwort {reply} auf Nummer {number}. " * (4 + (number + reply) % 5)
    return f"Kommentar Nummer {number}, mit einer Begründung. " * (3 + number % 7)


def comments(size: int) -> list[tuple[int, int, int, str, str]]:
    """(number, reply number or 0, seconds after the discussion began, author, text)."""
    rows = []
    for number in range(1, top_level(size) + 1):
        rows.append((number, 0, number * 60, AUTHORS[number % 3], text(number)))
        if has_replies(number):
            for reply in range(1, REPLIES_PER_THREAD + 1):
                author = AUTHORS[(number + reply) % 3]
                rows.append((number, reply, number * 60 + reply * 30, author, text(number, reply)))
    assert len(rows) == size, (size, len(rows))
    return rows


def address(n: int) -> str:
    """The n-th client address of a run: unique per request, and unique per /24 (Isso's guard
    counts anonymised /24 networks) for n < 65,024. Loopback range: only a header's value."""
    return f"127.{1 + (n // 256) % 254}.{n % 256}.{1 + (n // 65_024) % 254}"
