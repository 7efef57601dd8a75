"""The /stats picture: one PNG of DeskNumbers, drawn headless and readable on a phone."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.desk.stats import QUESTION_WINDOW_DAYS, DeskNumbers

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Portrait, as a phone shows it: 900 x 1400 pixels.
FIGURE_INCHES = (9.0, 14.0)
DPI = 100
FONT_SIZE = 13
SHOWN_COUNTRIES = 8
NO_DATA_TEXT = "No data yet"
# Colour-blind-safe (Okabe-Ito) colours.
BLUE, SKY, GREEN, ORANGE, RED = "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00"
GREY = "#999999"


def draw_desk_chart(numbers: DeskNumbers) -> bytes:
    """The PNG of every panel; panels without data say so instead of drawing nothing."""
    # Imported here, not at the top: matplotlib costs tens of MB the bot only needs on /stats.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure with its own Agg canvas, not pyplot: no display, no global state across threads.
    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    with _style():
        axes = figure.subplots(3, 2).flatten()
        _registrations(axes[0], numbers)
        _countries(axes[1], numbers)
        _eligibility(axes[2], numbers)
        _people(axes[3], numbers)
        _questions(axes[4], numbers)
        _top_questions(axes[5], numbers)
        figure.suptitle(
            f"Applicant bot, {numbers.today:%d %b %Y} (days in {numbers.zone_label})", fontsize=16
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _style() -> AbstractContextManager[None]:
    from matplotlib import rc_context

    return rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": FONT_SIZE,
            "axes.titlesize": FONT_SIZE + 1,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _no_data(axes: Axes, title: str) -> None:
    axes.set_title(title)
    axes.text(0.5, 0.5, NO_DATA_TEXT, ha="center", va="center", color=GREY, fontsize=15)
    axes.set_axis_off()


def _day_ticks(axes: Axes, days: Sequence[date]) -> None:
    # Three or four labels: more collide on a phone-width panel.
    step = max(1, -(-len(days) // 4))
    positions = list(range(0, len(days), step))
    axes.set_xticks(positions, [f"{days[p].day} {days[p]:%b}" for p in positions])


def _whole_numbers(axes: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _registrations(axes: Axes, numbers: DeskNumbers) -> None:
    title = f"Registrations: {numbers.registrations}"
    if not numbers.registrations_per_day:
        _no_data(axes, title)
        return
    counts = dict(numbers.registrations_per_day)
    first = min(counts)
    last = max(max(counts), numbers.today)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    running, total = [], 0
    for day in days:
        total += counts.get(day, 0)
        running.append(total)
    axes.set_title(title)
    axes.fill_between(range(len(days)), running, color=SKY, alpha=0.4, step="post")
    axes.step(range(len(days)), running, where="post", color=BLUE, linewidth=2.5)
    _day_ticks(axes, days)
    _whole_numbers(axes)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("total so far")


def _horizontal(axes: Axes, labels: Sequence[str], values: Sequence[int], colour: str) -> None:
    positions = range(len(labels))
    axes.barh(positions, values, color=colour)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    for position, value in zip(positions, values, strict=True):
        axes.annotate(
            str(value), (value, position), xytext=(4, 0), textcoords="offset points", va="center"
        )
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    axes.margins(x=0.2)


def _countries(axes: Axes, numbers: DeskNumbers) -> None:
    title = "By country"
    if not numbers.by_country:
        _no_data(axes, title)
        return
    shown = list(numbers.by_country[:SHOWN_COUNTRIES])
    rest = sum(count for _, count in numbers.by_country[SHOWN_COUNTRIES:])
    if rest:
        shown.append(("Other", rest))
    axes.set_title(title)
    labels = [textwrap.shorten(name, 18, placeholder="…") for name, _ in shown]
    _horizontal(axes, labels, [count for _, count in shown], BLUE)


def _bars(axes: Axes, title: str, bars: Sequence[tuple[str, int, str]]) -> None:
    if not any(value for _, value, _ in bars):
        _no_data(axes, title)
        return
    axes.set_title(title)
    labels = [label for label, _, _ in bars]
    drawn = axes.bar(labels, [v for _, v, _ in bars], color=[c for _, _, c in bars])
    axes.bar_label(drawn, padding=2)
    _whole_numbers(axes)
    axes.margins(y=0.15)


def _eligibility(axes: Axes, numbers: DeskNumbers) -> None:
    bars = [
        ("eligible", numbers.eligible, GREEN),
        ("not\neligible", numbers.not_eligible, RED),
        ("unclear", numbers.unclear, ORANGE),
        ("not\nchecked", numbers.unchecked, GREY),
    ]
    _bars(axes, "Eligible or not", bars)


def _people(axes: Axes, numbers: DeskNumbers) -> None:
    bars = [
        ("active", numbers.subscribers_active, BLUE),
        ("blocked", numbers.subscribers_blocked, GREY),
        ("handoffs\nanswered", numbers.handoffs_answered, GREEN),
        ("handoffs\nwaiting", numbers.handoffs_waiting, ORANGE),
    ]
    _bars(axes, "Subscribers and handoffs", bars)


def _questions(axes: Axes, numbers: DeskNumbers) -> None:
    title = f"Questions per day, last {QUESTION_WINDOW_DAYS} days"
    days = numbers.questions_per_day
    if not any(day.total for day in days):
        _no_data(axes, title)
        return
    axes.set_title(title)
    positions = range(len(days))
    bottom = [0] * len(days)
    series = [
        ("answered", [d.answered for d in days], GREEN),
        ("did you mean", [d.suggested for d in days], ORANGE),
        ("fallback", [d.fallback for d in days], RED),
        ("not English", [d.not_english for d in days], GREY),
    ]
    for label, values, colour in series:
        if any(values):
            axes.bar(positions, values, bottom=bottom, color=colour, label=label, width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    _day_ticks(axes, [d.day for d in days])
    _whole_numbers(axes)
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncols=2,
        fontsize=FONT_SIZE - 2,
        frameon=False,
    )


def _top_questions(axes: Axes, numbers: DeskNumbers) -> None:
    title = "Most answered questions"
    if not numbers.top_questions:
        _no_data(axes, title)
        return
    axes.set_title(title)
    labels = [
        "\n".join(textwrap.wrap(textwrap.shorten(q, 48, placeholder="…"), 18))
        for q, _ in numbers.top_questions
    ]
    _horizontal(axes, labels, [count for _, count in numbers.top_questions], GREEN)
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 3)
