"""The workloads, in the order the runner runs them. Each module has `run(opts) -> [Row]`."""

WORKLOADS = {
    "scalar_mlp": "micrograd's demo step, ours as autograd.Scalar vs micrograd",
    "deep_chain": "y = y * 1.0001 + 0.0001, N links, then backward; µs per link",
    "tensor_mlp": "float32 MLP training step (tiny, medium, large) vs hand-written NumPy",
    "op_overhead": "a + b and a @ b on (4, 4) float32: forward, and forward + backward",
    "memory": "peak RSS of 20 large-MLP steps, a fresh process per engine",
    "drawing": "DOT source of a 10^4-node graph (absolute target: under a second)",
    "cnn": "notebook 08's CNN step, a Conv2d forward + backward, the CNN's peak RSS; vs torch",
}
