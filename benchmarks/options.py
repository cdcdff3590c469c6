"""The knobs every workload reads, set from the command line in `run.py`."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Options:
    quick: bool = False  # fewer rounds and smaller cases: a smoke run in under a minute
    rounds: int | None = None  # override every workload's own number of rounds
    gc_off: bool = False  # disable the garbage collector inside timed regions (harness.sample)
    park: float | None = None  # override the seconds slept before each sample
    cases: tuple[str, ...] = ()  # run only cases whose name contains one of these
    ours_loss: str = "auto"  # auto | fused (nn.functional.cross_entropy) | composed
    ours_sgd: str = "manual"  # manual (p.data -= lr * p.grad.data) | nn (nn.optim.SGD)

    def n_rounds(self, full: int, quick: int) -> int:
        return self.rounds or (quick if self.quick else full)

    def park_s(self, default: float) -> float:
        return default if self.park is None else self.park

    def wants(self, case: str) -> bool:
        return not self.cases or any(c in case for c in self.cases)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Options:
        return cls(**{**d, "cases": tuple(d.get("cases", ()))})


def log(*parts) -> None:
    """Progress lines; flushed, because workers share the terminal with their parent."""
    print(*parts, flush=True)
