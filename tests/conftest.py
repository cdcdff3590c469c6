"""Test-wide settings: hypothesis profiles sized for CI (2 cores, whole suite in minutes)."""

import os

from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

# Two test workers share two cores: BLAS threads on top of them only contend (small matmuls
# got 10-50x slower under load), so each worker computes on one thread.
threadpool_limits(1)

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("CHAINRULE_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("ci")
