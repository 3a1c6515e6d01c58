#!/usr/bin/env python3
"""Substring ground truth for the search benchmark, from the corpus sources.

usage: truth.py SITE_DIR QUERIES_JSON MANIFEST_BIN > truth.json

A case matches a query when, for every word of the query, its text holds the
word or one of the word's spelling variants (the site's `variants` from
public/search/manifest.bin, gzip JSON). Text is NFKC-normalized and lowercased (SPEC §8);
the case's text is its title, summary, district, schemes, themes, partners
and body, the body taken from the Markdown with its markup removed. This is
an independent reimplementation (Python's unicodedata), not casebook's code.
"""

import gzip
import json
import os
import re
import sys
import unicodedata


def normalize(text):
    once = unicodedata.normalize("NFKC", text)
    return unicodedata.normalize("NFKC", once.lower())


def expand(word, groups):
    """Leftmost-longest variant replacement, every combination (at most 16)."""
    found, i = [], 0
    while i < len(word):
        best = None
        for g, group in enumerate(groups):
            for form in group:
                if word.startswith(form, i) and (best is None or len(form) > best[0]):
                    best = (len(form), g)
        if best:
            found.append((i, best[0], best[1]))
            i += best[0]
        else:
            i += 1
    forms, at = [""], 0
    for start, length, g in found:
        own = word[start:start + length]
        alternatives = [own]
        if len(forms) * len(groups[g]) <= 16:
            alternatives += [f for f in groups[g] if f != own]
        forms = [f + word[at:start] + a for f in forms for a in alternatives]
        at = start + length
    return list(dict.fromkeys(f + word[at:] for f in forms))


def markdown_text(body):
    lines = []
    for line in body.splitlines():
        if line.startswith("```") or re.fullmatch(r"\|?[\s:|-]+\|?", line or "x"):
            continue
        line = re.sub(r"^#+\s+", "", line)
        line = re.sub(r"^\s*[-*]\s+", "", line)
        lines.append(line.replace("|", " "))
    return "\n".join(lines)


def load_cases(site):
    cases = {}
    folder = os.path.join(site, "content", "cases")
    for name in sorted(os.listdir(folder)):
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        _, front, body = text.split("---\n", 2)

        def field(key):
            m = re.search(r"^" + key + r": (.*)$", front, re.M)
            return json.loads(m.group(1)) if m else None

        ward, _, area = field("district").partition("/")
        schemes = [json.loads(s) for s in re.findall(r"scheme: (\".*\")", front)]
        parts = [field("title"), field("summary"), ward, area, *schemes,
                 *(field("themes") or []), *(field("partners") or []), markdown_text(body)]
        cases[name[:-3]] = {"ward": ward, "text": [normalize(p) for p in parts if p]}
    return cases


def main():
    site, queries_file, manifest_file = sys.argv[1:4]
    groups = json.loads(gzip.open(manifest_file).read())["variants"]
    cases = load_cases(site)
    out = []
    for query in json.load(open(queries_file, encoding="utf-8")):
        words = list(dict.fromkeys(w for w in normalize(query["q"]).split() if w))
        matches = []
        for slug, case in cases.items():
            if query.get("ward") and case["ward"] != query["ward"]:
                continue
            if all(any(form in part for form in expand(w, groups) for part in case["text"]) for w in words):
                matches.append(slug)
        out.append({**query, "truth": matches})
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
