#!/usr/bin/env python3
"""Marks each case page's ward for Pagefind, in a copy of the built site.

usage: pagefind_filters.py PUBLIC_COPY

Pagefind filters only on elements marked `data-pagefind-filter`; casebook's
pages do not carry Pagefind's markup, so the benchmark adds it to the ward
link of each case page's facts panel (the copy only) and adds its own
search page. Fails if a case page has no ward link to mark.
"""

import os
import re
import shutil
import sys

WARD_LINK = re.compile(r'(<dt>地区</dt>\s*<dd>\s*<a )')

root = sys.argv[1]
cases = os.path.join(root, "cases")
marked = 0
for slug in os.listdir(cases):
    page = os.path.join(cases, slug, "index.html")
    if not os.path.isfile(page):
        continue
    html = open(page, encoding="utf-8").read()
    html, n = WARD_LINK.subn(r'\1data-pagefind-filter="ward" ', html, count=1)
    if n != 1:
        sys.exit(f"{page}: no ward link in the facts panel to mark for Pagefind")
    os.remove(page)  # the copy may be hard links to the original
    with open(page, "w", encoding="utf-8") as f:
        f.write(html)
    marked += 1
shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pagefind-page"),
                os.path.join(root, "pagefind-bench"), dirs_exist_ok=True)
print(f"marked the ward of {marked} case pages for Pagefind", file=sys.stderr)
