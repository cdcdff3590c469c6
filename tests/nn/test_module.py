"""Module, Parameter, Sequential and ModuleList: registration, traversal, modes, state dicts, printing."""

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from autograd.viz import ScopeFrame


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 3)
        self.out = nn.Linear(3, 1)
        self.scale = nn.Parameter([1.5])
        self.note = "not registered"

    def forward(self, x):
        return self.out(self.hidden(x).relu()) * self.scale


# --------------------------------------------------------------------------- Parameter
def test_parameter_is_a_float_tensor_that_requires_grad():
    p = nn.Parameter([1, 2, 3])
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert p.dtype == autograd.get_default_dtype()
    assert nn.Parameter(np.zeros(2, dtype=np.float32)).dtype == np.float32
    assert nn.Parameter(2.0).shape == ()
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\nTensor([1.]")


def test_parameter_copies_its_data_and_results_are_plain_tensors():
    source = np.array([1.0, 2.0])
    p = nn.Parameter(source)
    source[0] = 99.0
    assert p.data[0] == 1.0
    assert type(p * 2) is Tensor


def test_parameter_of_integer_array_teaches():
    with pytest.raises(TypeError, match="floating point.*np.float64"):
        nn.Parameter(np.array([1, 2]))


# --------------------------------------------------------------------------- registration
def test_assignment_registers_parameters_and_children_in_order():
    model = TwoLayer()
    assert [name for name, _ in model.named_parameters()] == [
        "scale",
        "hidden.weight",
        "hidden.bias",
        "out.weight",
        "out.bias",
    ]
    assert [name for name, _ in model.named_children()] == ["hidden", "out"]
    assert list(model.children()) == [model.hidden, model.out]
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "out"]
    assert len(list(model.modules())) == 3
    assert "note" not in dict(model.named_parameters())


def test_shared_parameters_and_modules_are_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert [name for name, _ in model.named_modules()] == ["", "0", "1"]


def test_reassigning_and_deleting_registered_attributes():
    model = TwoLayer()
    model.hidden = nn.Linear(2, 3)  # replaces the child
    model.scale = None  # a parameter slot may be emptied
    assert model.scale is None
    assert "scale" not in dict(model.named_parameters())
    with pytest.raises(TypeError, match="assign an nn.Parameter"):
        model.scale = Tensor([1.0])
    with pytest.raises(TypeError, match="assign an nn.Module"):
        model.out = "a string"
    del model.out
    assert [name for name, _ in model.named_children()] == ["hidden"]
    with pytest.raises(AttributeError, match="'TwoLayer' object has no attribute 'out'"):
        _ = model.out


def test_assigning_before_super_init_teaches():
    class Forgetful(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 2)

    class ForgetfulParameter(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    for cls in (Forgetful, ForgetfulParameter):
        with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first"):
            cls()


def test_missing_forward_teaches():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="NoForward must define forward"):
        NoForward()(Tensor([1.0]))


def test_call_tags_graph_nodes_with_the_module_scope():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    x = Tensor([[1.0, 2.0]], requires_grad=True)
    y = model(x)
    frame = y.grad_fn.tag  # made by ReLU, called inside Sequential: its scope frame
    assert isinstance(frame, ScopeFrame)
    assert frame.owner is model[1]
    assert frame.parent.owner is model
    assert autograd.engine.state.tag is None  # the call's scope closed with it


# --------------------------------------------------------------------------- helpers
def test_zero_grad_clears_every_gradient():
    model = TwoLayer()
    model(Tensor([[1.0, -1.0]])).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_propagate_to_every_module():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5)))
    assert model.training and model[1][0].training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_apply_visits_every_module():
    seen = []
    nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential"]


# --------------------------------------------------------------------------- state dicts
def test_state_dict_holds_numpy_copies():
    model = TwoLayer()
    state = model.state_dict()
    assert list(state) == ["scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert all(type(value) is np.ndarray for value in state.values())
    state["scale"][0] = 42.0
    assert model.scale.data[0] == 1.5


def test_load_state_dict_copies_in_place_and_casts_dtype():
    source, target = TwoLayer(), TwoLayer()
    weight_before = target.hidden.weight
    state = {name: value.astype(np.float32) for name, value in source.state_dict().items()}
    assert target.load_state_dict(state) == ([], [])
    assert target.hidden.weight is weight_before  # same Parameter: an optimiser still holds it
    assert target.hidden.weight.dtype == np.float64
    np.testing.assert_allclose(target.hidden.weight.data, source.hidden.weight.data, rtol=1e-6)
    target.load_state_dict({**state, "scale": Tensor([3.0])})  # Tensors work as values too
    assert target.scale.data[0] == 3.0


def test_load_state_dict_names_missing_unexpected_and_misshaped_keys():
    model = TwoLayer()
    state = model.state_dict()
    del state["out.bias"]
    state["extra.weight"] = np.zeros(2)
    state["hidden.weight"] = np.zeros((2, 3))
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "'out.bias'" in message and "'extra.weight'" in message
    assert "'hidden.weight'" in message and "(2, 3)" in message and "(3, 2)" in message


def test_load_state_dict_non_strict_reports_keys_but_still_rejects_shapes():
    model = TwoLayer()
    state = model.state_dict()
    del state["scale"]
    state["unknown"] = np.zeros(1)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["scale"] and result.unexpected_keys == ["unknown"]
    state["out.bias"] = np.zeros(5)
    with pytest.raises(RuntimeError, match="size mismatch for 'out.bias'"):
        model.load_state_dict(state, strict=False)


def test_load_state_dict_rejects_non_numeric_values():
    model = nn.Linear(1, 1)
    with pytest.raises(RuntimeError, match="dtype mismatch for 'bias'"):
        model.load_state_dict({"weight": np.zeros((1, 1)), "bias": np.array(["a"])})


def test_failed_load_changes_nothing():
    model = nn.Linear(2, 2)
    before = model.state_dict()
    with pytest.raises(RuntimeError):
        model.load_state_dict({"weight": np.ones((2, 2)), "bias": np.ones(3)})
    np.testing.assert_array_equal(model.weight.data, before["weight"])


# --------------------------------------------------------------------------- printing
def test_repr_is_a_pytorch_style_tree():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.25), nn.Linear(3, 1, bias=False)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.25)\n"
        "    (1): Linear(in_features=3, out_features=1, bias=False)\n"
        "  )\n"
        ")"
    )
    assert repr(TwoLayer()).startswith("TwoLayer(\n  (hidden): Linear(")


# --------------------------------------------------------------------------- containers
def test_sequential_indexing_length_and_iteration():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2] and model[-3] is layers[0]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert list(model[::-1]) == layers[::-1]
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        model[3]
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]


def test_sequential_applies_modules_in_order():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x = Tensor([[0.5, -1.0]])
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(model(x).data, expected.data)
    model.append(nn.Sigmoid())
    assert len(model) == 4 and 0 < model(x).item() < 1


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="Sequential argument 1: expected an nn.Module, got function"):
        nn.Sequential(nn.Linear(1, 1), lambda x: x)


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    model = Stack()
    assert len(list(model.parameters())) == 6
    assert [name for name, _ in model.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    assert model(Tensor([[1.0, 2.0]])).shape == (1, 2)
    model.layers.append(nn.Linear(2, 1))
    model.layers[0] = nn.Linear(2, 2)
    assert len(model.layers) == 4 and len(model.layers[1:]) == 3
    with pytest.raises(NotImplementedError, match="iterate over it"):
        model.layers(Tensor([1.0]))
