"""Random expression DAGs: every leaf's gradient against numerical differences."""

from hypothesis import assume, given, settings

import autograd
from autograd import Tensor

from .random_graphs import Ours, has_near_ties, leaves_as, programs, run, scaled


@settings(max_examples=scaled(60))
@given(programs(kinks=False))  # numerical differences need ops differentiable everywhere
def test_random_graph_gradients_match_numerical_differences(program):
    assume(not has_near_ties(program))
    leaves = leaves_as(program, lambda a: Tensor(a, requires_grad=True))
    assert autograd.gradcheck(lambda *xs: run(program, xs, Ours), leaves, rtol=1e-4, atol=1e-6)


@settings(max_examples=scaled(15))
@given(programs(kinks=False))
def test_random_graph_second_derivatives(program):
    assume(not has_near_ties(program))
    leaves = leaves_as(program, lambda a: Tensor(a, requires_grad=True))
    assert autograd.gradgradcheck(lambda *xs: run(program, xs, Ours), leaves, rtol=1e-3, atol=1e-5)
