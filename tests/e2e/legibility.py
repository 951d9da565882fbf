"""What a reader sees on a dashboard, measured in the browser: every text the charts draw, English left in the UI,
tables that scroll inside, and the colours of a map.

ECharts draws on a canvas, so its labels are not in the DOM. ``TEXT_PROBE`` (installed before any page script
runs) records every ``fillText`` with where it lands on the canvas, so a test can ask which labels a chart drew,
whether one was cut off at the canvas edge, whether a legend shows a page number ("1/3"), and whether an axis
title overlaps the tick labels. deck.gl draws maps with WebGL: their colours are read from a screenshot.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

# Before the page's scripts: wrap fillText and keep, per call, the text, its canvas and its box on the canvas.
TEXT_PROBE = r"""
window.__sbmTexts = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
  try {
    const width = this.measureText(String(text)).width;
    const size = parseFloat((this.font.match(/([0-9.]+)px/) || [0, 12])[1]);
    const left = this.textAlign === 'center' ? x - width / 2
      : (this.textAlign === 'right' || this.textAlign === 'end') ? x - width : x;
    const top = this.textBaseline === 'top' ? y : this.textBaseline === 'middle' ? y - size / 2 : y - size;
    const m = this.getTransform();
    const corners = [[left, top], [left + width, top], [left, top + size], [left + width, top + size]]
      .map(([cx, cy]) => m.transformPoint({x: cx, y: cy}));
    const xs = corners.map(p => p.x), ys = corners.map(p => p.y);
    window.__sbmTexts.push({text: String(text), canvas: this.canvas,
      x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys),
      vertical: Math.abs(m.b) > Math.abs(m.a)});
  } catch (error) { /* never break the page */ }
  return fillText.apply(this, arguments);
};
"""
# Strings of Superset's English UI that must not be visible (whole words): what a reader meets on the login page,
# the dashboard header, the filter bar, tables and chart menus when a translation is missing or wrong.
ENGLISH_UI = (
    "Sign in", "Username", "Password", "Login", "N/A", "options", "records", "entries", "Show", "Search",
    "Apply filters", "Clear all", "Filters and controls", "Extra controls", "Edit dashboard", "Loading",
    "No results", "Select all", "Deselect all", "Settings", "All", "Inverse", "Theme",
)  # fmt: skip
PAGE_NUMBER = re.compile(r"^\d+/\d+$")  # what a paged ECharts legend draws between its arrows


@dataclass(frozen=True)
class Text:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    vertical: bool


def install_text_probe(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TEXT_PROBE})


def clear_texts(driver: WebDriver) -> None:
    driver.execute_script("window.__sbmTexts = [];")


def chart_texts(driver: WebDriver, chart_id: int) -> tuple[list[Text], tuple[int, int]]:
    """The texts drawn (since the last clear) on the canvases of one chart, and the size of its canvas."""
    rows = driver.execute_script(
        """const holder = document.querySelector(`[data-test-chart-id='${arguments[0]}']`);
           if (!holder) return [[], [0, 0]];
           const canvases = Array.from(holder.querySelectorAll('canvas'));
           const size = canvases.length ? [canvases[0].width, canvases[0].height] : [0, 0];
           return [window.__sbmTexts.filter(t => canvases.includes(t.canvas))
                   .map(t => [t.text, t.x0, t.x1, t.y0, t.y1, t.vertical]), size];""",
        chart_id,
    )
    texts = {Text(*row) for row in rows[0]}  # an animation draws a label many times: once is enough
    return sorted(texts, key=lambda t: (t.y0, t.x0)), tuple(rows[1])


def cut_off(texts: list[Text], size: tuple[int, int], margin: float = 1.0) -> list[str]:
    """Texts that stick out of their canvas, so part of them is not drawn."""
    width, height = size
    return [
        t.text for t in texts if t.x0 < -margin or t.x1 > width + margin or t.y0 < -margin or t.y1 > height + margin
    ]


def overlapping_axis_titles(texts: list[Text]) -> list[tuple[str, str]]:
    """(title, label) pairs where a vertical axis title overlaps another text: a title written over tick labels."""
    titles = [t for t in texts if t.vertical]
    return [
        (title.text, other.text)
        for title in titles
        for other in texts
        if other is not title and not other.vertical
        and min(title.x1, other.x1) - max(title.x0, other.x0) > 1
        and min(title.y1, other.y1) - max(title.y0, other.y0) > 1
    ]  # fmt: skip


def paged_legends(texts: list[Text]) -> list[str]:
    return [t.text for t in texts if PAGE_NUMBER.match(t.text)]


def visible_strings(driver: WebDriver) -> list[str]:
    """Everything a reader can read in the DOM: the rendered text and the placeholders, titles and labels."""
    return driver.execute_script(
        """const out = document.body.innerText.split('\\n');
           document.querySelectorAll('[placeholder],[title],[aria-label]').forEach(e => {
             if (e.offsetParent === null) return;
             for (const a of ['placeholder', 'title', 'aria-label']) {
               const v = e.getAttribute(a);
               if (v) out.push(v);
             }
           });
           return out.map(s => s.trim()).filter(s => s);"""
    )


def english(strings: list[str]) -> list[str]:
    """The strings that contain a whole word or phrase of ``ENGLISH_UI``."""
    patterns = [re.compile(rf"(?<![\w/]){re.escape(phrase)}(?![\w/])") for phrase in ENGLISH_UI]
    return sorted({s for s in strings for p in patterns if p.search(s)})


def scrolling_inside(driver: WebDriver, chart_id: int) -> list[str]:
    """Elements of a chart that scroll: a table whose rows do not all fit in its box (cut mid-row), or whose columns
    do not fit its width (the last ones hidden behind a scroll bar)."""
    return driver.execute_script(
        """const holder = document.querySelector(`[data-test-chart-id='${arguments[0]}']`);
           if (!holder) return [];
           return Array.from(holder.querySelectorAll('*')).filter(e => {
             const style = getComputedStyle(e);
             const scrolls = (overflow, content, box) => ['auto', 'scroll'].includes(overflow) && content > box + 2;
             return scrolls(style.overflowY, e.scrollHeight, e.clientHeight)
               || scrolls(style.overflowX, e.scrollWidth, e.clientWidth);
           }).map(e => `${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth}x${e.scrollHeight}`
                       + `>${e.clientWidth}x${e.clientHeight}`);""",
        chart_id,
    )


def element_png(driver: WebDriver, chart_id: int) -> bytes:
    return driver.find_element(By.CSS_SELECTOR, f"[data-test-chart-id='{chart_id}']").screenshot_as_png


def png_pixels(png: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos : pos + 4]), png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            chunks.append(data)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and not interlace, f"unexpected PNG layout {header}"
    channels = 4 if colour == 6 else 3
    raw, stride, previous, pixels = zlib.decompress(b"".join(chunks)), width * channels, bytearray(width * channels), []
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        pixels += [tuple(line[i : i + 3]) for i in range(0, stride, channels)]
        previous = line
    return pixels


def colour_share(pixels: list[tuple[int, int, int]], colour: tuple[int, int, int], tolerance: int = 6) -> float:
    """The share of the pixels within ``tolerance`` of ``colour`` (per channel)."""
    near = sum(all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)) for pixel in pixels)
    return near / max(len(pixels), 1)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def legibility_problems(driver: WebDriver, charts: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Per chart: labels cut off at the canvas edge, axis titles over labels, paged legends, tables that scroll."""
    problems: dict[str, list[Any]] = {}
    for chart in charts:
        found: list[Any] = []
        if chart["viz_type"].startswith(("echarts", "heatmap")):
            texts, size = chart_texts(driver, chart["id"])
            found += [f"cut off: {t}" for t in cut_off(texts, size)]
            found += [f"axis title over {label!r}: {title}" for title, label in overlapping_axis_titles(texts)]
            found += [f"legend paged: {page}" for page in paged_legends(texts)]
        if chart["viz_type"] == "table":
            found += [f"scrolls inside: {element}" for element in scrolling_inside(driver, chart["id"])]
        if found:
            problems[chart["slice_name"]] = found
    return problems
