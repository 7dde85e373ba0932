"""Draws the dashboard's layout as docs/images/dashboard.png: each widget's rectangle and title at its x, y, width
and height on CloudWatch's 24-column grid, with what it shows. Reads the rendered body (as test_operations.py
renders it) on stdin; needs Pillow:

    .tools/venv/bin/python -c 'import sys; sys.path.insert(0, "tests/deploy"); import json, test_operations as t; \\
        from cfnlint.decode import decode; print(json.dumps(t.rendered_dashboard(decode("template.yaml")[0])[1]))' \\
      | python tests/deploy/render_dashboard.py docs/images/dashboard.png
"""

import json
import sys
import textwrap

from PIL import Image, ImageDraw, ImageFont

COLUMN, ROW, PAD = 56, 34, 6
COLOURS = {"metric": "#e8f1fb", "log": "#eef7e9", "alarm": "#fdf0e6", "text": "#f4f4f4"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def lines_of(widget):
    p = widget["properties"]
    if widget["type"] == "metric":
        shown = []
        for line in p["metrics"]:
            options = line[-1] if isinstance(line[-1], dict) else {}
            if options.get("visible") is False:
                continue
            if len(line) == 1:
                shown.append(f"= {options['expression']}")
            else:
                label = options.get("label", line[1])
                shown.append(f"{line[0]} {line[1]}: {label}" if line[0].startswith("AWS/") else f"{line[1]} {label}")
        return [f"{widget['type']} · {p['view']} · {p['stat']} · {p['period']} s"] + shown
    if widget["type"] == "log":
        return ["log · Logs Insights · " + p["view"], p["query"].split(" | ", 2)[-1]]
    if widget["type"] == "alarm":
        return [f"alarm status · {len(p['alarms'])} alarms"] + [a.rsplit(":", 1)[-1] for a in p["alarms"]]
    return p["markdown"].splitlines()


def main(out):
    dashboard = json.load(sys.stdin)
    rows = max(w["y"] + w["height"] for w in dashboard["widgets"])
    image = Image.new("RGB", (24 * COLUMN + 2 * PAD, rows * ROW + 2 * PAD), "white")
    draw = ImageDraw.Draw(image)
    title, body = ImageFont.truetype(BOLD, 14), ImageFont.truetype(FONT, 11)
    for column in range(25):
        draw.line([(PAD + column * COLUMN, PAD), (PAD + column * COLUMN, PAD + rows * ROW)], fill="#f0f0f0")
    for widget in dashboard["widgets"]:
        x0, y0 = PAD + widget["x"] * COLUMN, PAD + widget["y"] * ROW
        x1, y1 = x0 + widget["width"] * COLUMN - 4, y0 + widget["height"] * ROW - 4
        draw.rectangle([x0, y0, x1, y1], fill=COLOURS[widget["type"]], outline="#7a8a99", width=2)
        width = max(10, int((x1 - x0 - 16) / 6.4))
        y = y0 + 6
        heading = widget["properties"].get("title")
        if heading:
            for line in textwrap.wrap(heading, int((x1 - x0 - 16) / 8.6)):
                draw.text((x0 + 8, y), line, fill="#16191f", font=title)
                y += 18
        for text in lines_of(widget):
            for line in textwrap.wrap(text, width) or [""]:
                if y > y1 - 14:
                    break
                draw.text((x0 + 8, y), line, fill="#414d5c", font=body)
                y += 14
        draw.text((x1 - 110, y1 - 16), f"x{widget['x']} y{widget['y']} {widget['width']}×{widget['height']}", fill="#8d99a8", font=body)
    image.save(out)


if __name__ == "__main__":
    main(sys.argv[1])
