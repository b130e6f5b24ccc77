"""The `debatte` command: Django's manage.py with the project's settings preset.

Subcommands may be written with hyphens (`debatte import-page`); they map to Django's
underscore names (`import_page`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
        # `import` and `export` cannot be Python module names.
        args[1] = {"import": "import_comments", "export": "export_comments"}.get(args[1], args[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
