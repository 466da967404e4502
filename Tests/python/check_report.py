"""Renders a janus-data report in headless Chromium and describes what the browser shows.

usage: check_report.py REPORT.html SCREENSHOT.png [SMALL.png]

Prints one JSON object: the number of <svg> elements and the <h2> headings of the page as the
browser parsed it (--dump-dom), the figures marked with data-* attributes, and of the
screenshot its size, the share of pixels that are not white and the number of colours.
With SMALL.png, also writes the screenshot trimmed, 720 pixels wide in 48 colours: the README's
docs/report-sample.png is made so from `make demo`'s out/report.html.
Exits 1 when Chromium cannot be run.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image, ImageOps


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs = 0
        self.headings = []
        self.values = {}
        self._heading = None
        self._value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svgs += 1
        if tag == "h2":
            self._heading = ""
        for name in ("data-stat", "data-source", "data-unique-subdimensions", "data-rouge"):
            if name in attrs:
                self._value = (name[5:] + ":" + attrs[name], "")

    def handle_endtag(self, tag):
        if tag == "h2" and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None
        if self._value is not None and tag in ("b", "td", "span"):
            key, text = self._value
            self.values[key] = text.strip()
            self._value = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data
        if self._value is not None:
            self._value = (self._value[0], self._value[1] + data)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("no chromium on PATH (make setup-test installs Debian's chromium)")


def main():
    report, screenshot = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    url = report.as_uri()
    with tempfile.TemporaryDirectory() as profile:
        # No network: the page must render from the file alone.
        common = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]
        dom = subprocess.run(common + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
        if dom.returncode != 0:
            sys.exit(f"chromium --dump-dom failed: {dom.stderr[-2000:]}")
        shot = subprocess.run(common + [f"--screenshot={screenshot}", "--window-size=1000,3500", url],
                              capture_output=True, text=True, timeout=120)
        if shot.returncode != 0 or not screenshot.exists():
            sys.exit(f"chromium --screenshot failed: {shot.stderr[-2000:]}")
    page = Page()
    page.feed(dom.stdout)
    image = Image.open(screenshot).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    non_white = image.width * image.height - white
    if len(sys.argv) > 3:
        bottom = ImageOps.invert(image).getbbox()[3] + 24
        small = image.crop((0, 0, image.width, min(bottom, image.height)))
        small = small.resize((720, small.height * 720 // small.width), Image.LANCZOS)
        small.quantize(colors=48, method=Image.Quantize.FASTOCTREE).save(sys.argv[3], optimize=True)
    print(json.dumps({
        "svg_count": page.svgs, "headings": page.headings, "values": page.values,
        "width": image.width, "height": image.height, "non_white_fraction": non_white / (image.width * image.height),
        "colours": len(colours),
    }))


if __name__ == "__main__":
    main()
