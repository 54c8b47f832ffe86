#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Renders an HTML file in headless Chromium (Debian's chromium package) and prints, as JSON,
# what the rendered DOM holds: the title, the text of every element with an id, the count of
# each element name, every on* attribute and every URL-bearing attribute (src, href, ...). Optionally keeps a screenshot.
#   dom.py PAGE.html [SCREENSHOT.png]
import json, os, subprocess, sys, tempfile
from html.parser import HTMLParser

page = os.path.abspath(sys.argv[1])
shot = sys.argv[2] if len(sys.argv) > 2 else None
# --no-sandbox: the tests run as root, where Chromium's sandbox cannot start. Scripts are left
# enabled on purpose: a test must see what a payload would do, and the page's CSP forbids them.
base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-extensions", "--mute-audio",
        "--virtual-time-budget=3000"]
with tempfile.TemporaryDirectory() as profile:
    args = base + [f"--user-data-dir={profile}"]
    dom = subprocess.run(args + ["--dump-dom", "file://" + page], capture_output=True, text=True,
                         timeout=120)
    if dom.returncode != 0 or not dom.stdout.strip():
        sys.exit(f"chromium --dump-dom failed ({dom.returncode}): {dom.stderr[-2000:]}")
    if shot:
        subprocess.run(args + ["--window-size=1200,1600", f"--screenshot={os.path.abspath(shot)}",
                               "file://" + page], capture_output=True, timeout=120, check=True)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.tags, self.handlers, self.urls = "", {}, {}, [], []
        self.stack = []  # (tag, id) of open elements

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        self.handlers += [f"{tag}[{k}]" for k in a if k.startswith("on")]
        self.urls += [f"{tag}[{k}]={v}" for k, v in a.items()
                      if k in ("src", "href", "action", "data", "poster", "srcset", "formaction")]
        if tag not in ("meta", "br", "img", "link", "input"):
            self.stack.append((tag, a.get("id")))
            if a.get("id"):
                self.ids[a["id"]] = ""

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for t, i in self.stack:
            if i:
                self.ids[i] += data
            if t == "title":
                self.title += data


d = Dom()
d.feed(dom.stdout)
print(json.dumps({"title": d.title, "ids": d.ids, "tags": d.tags, "handlers": d.handlers, "urls": d.urls,
                  "text": dom.stdout}))
