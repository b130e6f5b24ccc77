"""The shape of the benchmark's discussions, shared by Debatte's builder and the Isso peer
(which runs in Isso's own virtual environment, without Django)."""

# (top-level comments, replies per thread) giving 10, 1,000 and 100,000 comments.
SHAPES = {10: (6, 2), 1_000: (500, 5), 100_000: (50_000, 5)}


def status_of(number: int) -> str:
    if number % 97 == 3:
        return "deleted"
    if number % 89 == 88:
        return "pending"
    return "published"


def has_replies(number: int) -> bool:
    """Every fifth top-level comment (#1, #6, ...) opens a thread."""
    return number % 5 == 1


def isso_rows(size: int) -> list[tuple[int, int, int, str, str]]:
    """The same discussion for Isso: (id, parent id or 0, created offset s, author, text).

    Isso has neither numbers nor tombstones, so every comment is an ordinary accepted one.
    """
    top_level, per_thread = SHAPES[size]
    names = ("Leserin mit Abo", "Leser ohne Abo", "Redaktion")
    rows = []
    next_id = 1
    for number in range(1, top_level + 1):
        thread_id = next_id
        next_id += 1
        rows.append((thread_id, 0, number, names[number % 3], f"Kommentar Nummer {number}. " * 8))
        if has_replies(number):
            for reply_number in range(1, per_thread + 1):
                rows.append(
                    (
                        next_id,
                        thread_id,
                        number + 60 * reply_number,
                        names[(number + reply_number) % 3],
                        f"Antwort {reply_number} auf Nummer {number}. " * 6,
                    )
                )
                next_id += 1
    return rows
