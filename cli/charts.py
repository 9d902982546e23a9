"""Bar charts as inline SVG: no images, no scripts, every label escaped."""

from __future__ import annotations

from html import escape

BAR = "#b03a2e"
INK = "#333"


def _number(value: float) -> str:
    return f"{value:.1f}" if value != int(value) else str(int(value))


def column_chart(
    points: list[tuple[str, float]], *, title: str, width: int = 720, height: int = 220
) -> str:
    """Vertical bars, one per (label, value), labels under the bars."""
    if not points:
        return _empty(title)
    top = max(v for _, v in points) or 1
    left, bottom, plot_h = 40, 40, height - 70
    step = (width - left - 10) / len(points)
    parts = [_open(width, height, title)]
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x, y = left + i * step, 30 + plot_h - h
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {_number(value)}</title></rect>'
        )
        if len(points) <= 31:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 25}" font-size="9" '
                f'text-anchor="middle" fill="{INK}">{escape(label[-5:])}</text>'
            )
    parts.append(f'<text x="4" y="40" font-size="10" fill="{INK}">{_number(top)}</text>')
    parts.append(
        f'<line x1="{left}" y1="{30 + plot_h}" x2="{width - 10}" y2="{30 + plot_h}" stroke="{INK}"/>'
    )
    return "".join(parts) + "</svg>"


def bar_chart(
    points: list[tuple[str, float]], *, title: str, unit: str = "", width: int = 720
) -> str:
    """Horizontal bars, one per (label, value), the value written at the end of the bar."""
    if not points:
        return _empty(title)
    top = max(v for _, v in points) or 1
    label_w, row_h = 220, 22
    height = 40 + row_h * len(points)
    plot_w = width - label_w - 80
    parts = [_open(width, height, title)]
    for i, (label, value) in enumerate(points):
        y = 30 + i * row_h
        w = plot_w * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="{INK}">'
            f"{escape(label[:40])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11" fill="{INK}">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    return "".join(parts) + "</svg>"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f'<text x="4" y="16" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>'
    )


def _empty(title: str) -> str:
    return (
        _open(720, 50, title)
        + f'<text x="4" y="40" font-size="11" fill="{INK}">no data</text></svg>'
    )
