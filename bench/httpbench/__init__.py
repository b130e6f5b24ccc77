"""`make bench`'s HTTP part: Debatte and its peers over loopback, driven by wrk (main.py).

Not named `http`: bench/ is on sys.path, and a package of that name would hide the standard
library's (http.client, http.cookies) from everything the benchmark imports.
"""
