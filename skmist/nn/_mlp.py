"""A plain multilayer perceptron with activations named by string."""

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "MLP"]

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "softplus": nn.Softplus,
    "tanh": nn.Tanh,
}


def make_activation(name):
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None


class MLP(nn.Sequential):
    """Multilayer perceptron ``(*, in_features) -> (*, out_features)``.

    Parameters
    ----------
    in_features : int
        Size of the last input dimension.
    out_features : int
        Size of the last output dimension.
    hidden_dims : tuple of int, default=(64, 64)
        Widths of the hidden layers; ``()`` gives one linear layer.
    activation : str, default="relu"
        One of :data:`ACTIVATIONS`, applied after every hidden layer.

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import MLP
    >>> MLP(3, 1, hidden_dims=(16,))(torch.zeros(5, 3)).shape
    torch.Size([5, 1])
    """

    def __init__(self, in_features, out_features, hidden_dims=(64, 64), activation="relu"):
        layers = []
        widths = (in_features, *hidden_dims)
        for width_in, width_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(width_in, width_out), make_activation(activation)]
        layers.append(nn.Linear(widths[-1], out_features))
        super().__init__(*layers)
        self.in_features = in_features
        self.out_features = out_features

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return super().forward(input)
