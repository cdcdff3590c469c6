"""Rows of results, the targets they are judged against, and the markdown table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from benchmarks.harness import Timing
from benchmarks.options import log


@dataclass
class Target:
    """`ours` should take at most `bound` times the `vs` engine's time (or memory)."""

    bound: float
    vs: str
    label: str = ""  # e.g. "1/3", when the bound reads better as a fraction

    def __str__(self) -> str:
        return f"≤ {self.label or format(self.bound, 'g')}x {self.vs}"


@dataclass
class Row:
    """One line of the table: one engine in one workload case."""

    workload: str
    case: str
    engine: str
    value: float | None  # the median, in `unit`
    unit: str
    ratio: float | None = None  # median of per-round ratios to `ref`
    ratio_iqr: tuple[float, float] | None = None
    ref: str | None = None
    target: str = ""
    met: bool | None = None
    rounds: int = 0
    notes: list[str] = field(default_factory=list)
    failed_check: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Row:
        d = dict(d)
        if d.get("ratio_iqr") is not None:
            d["ratio_iqr"] = tuple(d["ratio_iqr"])
        return cls(**d)


def judge(row: Row, target: Target | None) -> Row:
    """Fill in the target columns of a row from its paired ratio."""
    if target is None:
        return row
    row.target = str(target)
    if row.ref != target.vs:
        row.notes.append(f"target is against {target.vs}, which did not run")
    elif row.value is None or row.ratio is None:
        row.met = False
    else:
        row.met = row.ratio <= target.bound * (1 + 1e-9) and not row.failed_check
    return row


def rows_from_timings(
    workload: str,
    case: str,
    timings: dict[str, Timing],
    *,
    reference: str | None,
    unit: str,
    scale: float,
    targets: dict[str, Target] | None = None,
    failures: dict[str, str] | None = None,
    missing: dict[str, str] | None = None,
) -> list[Row]:
    """One row per contender, then one per engine in `missing` (engine -> why it could not
    run); `scale` turns seconds per iteration into `unit`."""
    rows = []
    ref = timings.get(reference) if reference else None
    for name, t in timings.items():
        row = Row(
            workload=workload,
            case=case,
            engine=name,
            value=None if t.median is None else t.median * scale,
            unit=unit,
            ratio=t.ratio if ref is not None and ref.samples else None,
            ratio_iqr=t.ratio_quartiles if ref is not None and ref.samples else None,
            ref=reference if ref is not None and ref.samples else None,
            rounds=len(t.samples),
        )
        if t.error:
            row.notes.append(t.error)
        if (failures or {}).get(name):
            row.failed_check = True
            row.notes.append("✗ CHECK FAILED: values differ (see the log)")
        rows.append(judge(row, (targets or {}).get(name)))
    rows += [missing_row(workload, case, name, why, (targets or {}).get(name))
             for name, why in (missing or {}).items()]
    return rows


def missing_row(workload: str, case: str, engine: str, why: str,
                target: Target | None = None) -> Row:
    """A row for an engine that could not run this case (not installed, or it raised)."""
    return Row(workload, case, engine, None, "", notes=[why],
               target=str(target) if target else "", met=False if target else None)


def log_rows(rows: list[Row]) -> None:
    """One progress line per case, so a long run shows where it is."""
    if rows:
        parts = [f"{r.engine} {fmt_number(r.value)} {r.unit}" + (f" ({r.ratio:.2f}x)"
                 if r.ratio is not None else "") for r in rows if r.value is not None]
        parts += [f"{r.engine}: {'; '.join(r.notes)}" for r in rows if r.value is None]
        log(f"  {rows[0].workload} / {rows[0].case}: " + ", ".join(parts))


def fmt_number(v: float | None) -> str:
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def fmt_ratio(row: Row) -> str:
    if row.ratio is None:
        return "—"
    text = f"{row.ratio:.2f}x"
    if row.ratio_iqr:
        text += f" ({row.ratio_iqr[0]:.2f}–{row.ratio_iqr[1]:.2f})"
    return text


def markdown_table(rows: list[Row]) -> str:
    """The results as one markdown table, workloads in the order they ran."""
    head = [
        "| workload | case | engine | median | ratio (IQR) | vs | target | met? | notes |",
        "| --- | --- | --- | ---: | ---: | --- | --- | :---: | --- |",
    ]
    body = []
    for r in rows:
        value = "—" if r.value is None else f"{fmt_number(r.value)} {r.unit}"
        met = {True: "✅", False: "❌", None: ""}[r.met]
        body.append(
            f"| {r.workload} | {r.case} | {r.engine} | {value} | {fmt_ratio(r)} | "
            f"{r.ref or ''} | {r.target} | {met} | {'; '.join(r.notes)} |"
        )
    return "\n".join(head + body)
