"""Import PyTorch for the oracle suites: skipped on a user's machine without it, required in CI."""

import os

import pytest

if os.environ.get("CI"):
    import torch  # CI installs the oracle extra: a missing torch must fail, not skip
else:
    torch = pytest.importorskip("torch", reason="the PyTorch oracle needs the 'oracle' extra")

torch.set_default_dtype(torch.float64)
