"""What a browser downloads for the images of every case page, before and
after responsive images: before, each image's original file; after, the
candidate the browser picks from the page's srcset for the slot `sizes`
gives, WebP first when a <source> offers it.

    python3 bench/images/bytes.py SITE_ROOT
"""

import html.parser
import os
import re
import sys
from urllib.parse import unquote

# (name, viewport width in CSS px, device pixel ratio)
SCREENS = [("phone 375px @3x", 375, 3.0), ("desktop 1280px @1x", 1280, 1.0)]


class Pictures(html.parser.HTMLParser):
    """Collects the <img> and WebP <source> of each case image."""

    def __init__(self):
        super().__init__()
        self.images = []
        self.webp = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "source" and attrs.get("type") == "image/webp":
            self.webp = attrs["srcset"]
        elif tag == "img":
            self.images.append((attrs, self.webp))
            self.webp = None


def slot_width(sizes, viewport):
    """The slot of `(min-width: 42em) 40em, calc(100vw - 2rem)`."""
    for entry in sizes.split(","):
        entry = entry.strip()
        match = re.match(r"\(min-width:\s*([\d.]+)em\)\s*(.*)", entry)
        if match:
            if viewport >= float(match.group(1)) * 16:
                return length(match.group(2), viewport)
        else:
            return length(entry, viewport)
    return viewport


def length(value, viewport):
    value = value.strip()
    if value.startswith("calc(100vw - ") and value.endswith("rem)"):
        return viewport - float(value[len("calc(100vw - ") : -4]) * 16
    if value.endswith("em"):
        return float(value[:-2]) * 16
    if value.endswith("vw"):
        return viewport * float(value[:-2]) / 100
    return float(value.rstrip("px"))


def pick(srcset, needed):
    candidates = sorted(
        (int(w.rstrip("w")), url) for url, w in (c.strip().rsplit(" ", 1) for c in srcset.split(","))
    )
    for width, url in candidates:
        if width >= needed:
            return url
    return candidates[-1][1]


def main(root):
    public = os.path.join(root, "public")
    base = None
    with open(os.path.join(root, "casebook.yaml"), encoding="utf-8") as f:
        base = re.search(r"^base_url:\s*\S+?//[^/]+(/\S*)", f.read(), re.M).group(1)
    file_of = lambda url: os.path.join(public, unquote(url[len(base) :]))
    original = lambda url: os.path.join(root, "content", "cases", *unquote(url[len(base) + len("cases/") :]).split("/"))
    pages = 0
    before = 0
    after = {name: 0 for name, _, _ in SCREENS}
    count = 0
    cases = os.path.join(public, "cases")
    for slug in sorted(os.listdir(cases)):
        page = os.path.join(cases, slug, "index.html")
        if not os.path.isfile(page):
            continue
        parser = Pictures()
        with open(page, encoding="utf-8") as f:
            text = f.read()
        main_start = text.find('<section class="case-images">')
        parser.feed(text[main_start:] if main_start >= 0 else "")
        if not parser.images:
            continue
        pages += 1
        for attrs, webp in parser.images:
            count += 1
            source = original(attrs["src"])
            if not os.path.isfile(source):
                source = os.path.join(root, "content", "cases", slug, "index", os.path.basename(source))
            bundle = os.path.join(root, "content", "cases", slug, unquote(os.path.basename(attrs["src"])))
            before += os.path.getsize(bundle if os.path.isfile(bundle) else source)
            for name, viewport, dpr in SCREENS:
                if "srcset" not in attrs:
                    after[name] += os.path.getsize(file_of(attrs["src"]))
                    continue
                needed = slot_width(attrs["sizes"], viewport) * dpr
                url = pick(webp or attrs["srcset"], needed)
                after[name] += os.path.getsize(file_of(url))
    print(f"{count} images on {pages} case pages; originals: {before / 1024:.1f} KiB")
    for name, _, _ in SCREENS:
        print(f"  {name}: {after[name] / 1024:.1f} KiB ({after[name] / before:.0%} of the originals)")


if __name__ == "__main__":
    main(sys.argv[1])
