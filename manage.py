#!/usr/bin/env python
"""Django's command-line utility; `debatte` is the same with friendlier command names."""

from debatte.cli import main

if __name__ == "__main__":
    main()
