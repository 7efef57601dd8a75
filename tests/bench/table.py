"""The row type every benchmark returns and the table `make bench` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchRow:
    """One measured figure beside the baseline it is compared with, in the same run."""

    name: str
    unit: str
    value: float
    baseline_name: str = ""
    baseline: float | None = None
    target: str = ""
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """Value divided by baseline, or None when there is no baseline."""
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def format_table(rows: list[BenchRow]) -> str:
    """Render rows as a fixed-width text table with a ratio column."""
    header = ("benchmark", "value", "unit", "baseline", "baseline value", "ratio", "target")
    lines = [header]
    for row in rows:
        ratio = row.ratio
        lines.append(
            (
                row.name,
                _number(row.value),
                row.unit,
                row.baseline_name or "-",
                _number(row.baseline),
                "-" if ratio is None else f"{ratio:.2f}x",
                row.target or "-",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) for line in lines]
    rendered.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(rendered)
