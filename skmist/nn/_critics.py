"""Critics f(x, y) -> score, and the baselines some bounds need.

Every critic splits into ``embed_x``, ``embed_y`` and ``head`` so that scoring n
positives against K negatives each embeds every sample once and only the head runs
per pair: ``head(embed_x(x)[:, None], embed_y(y)[negative_index])``. For the joint
critic the embeddings are its first linear layer (``W [x; y] = W_x x + W_y y``), which
is where most of its arithmetic goes when the inputs are wide.
"""

import torch
from torch import nn

from ._mlp import MLP, make_activation

__all__ = ["ALL_PAIRS_RATIO", "BilinearCritic", "JointCritic", "SeparableCritic", "pair_scores"]


class _Critic(nn.Module):
    inner_product = False  # whether score_matrix is one matmul

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Scores ``(*,)`` of broadcastable ``x (*, dx)`` and ``y (*, dy)``."""
        return self.head(self.embed_x(x), self.embed_y(y))

    def score_matrix(self, hx, hy):
        """All pairs ``(n, m)`` of embeddings ``hx (n, h)`` and ``hy (m, h)``."""
        return self.head(hx[:, None, :], hy[None, :, :])


class _InnerProductCritic(_Critic):
    inner_product = True

    def head(self, hx, hy):
        return (hx * hy).sum(-1)

    def score_matrix(self, hx, hy):
        # One matmul; its backward is a matmul too, unlike a gather's scatter.
        return hx @ hy.T


class JointCritic(_Critic):
    """MLP on the concatenation ``[x, y]``: the most general critic.

    Parameters
    ----------
    x_features, y_features : int
        Dimensions of x and y.
    hidden_dims : tuple of int, default=(256, 256)
        Hidden widths; at least one layer (a linear critic cannot couple x and y).
    activation : str, default="relu"
        Activation after every hidden layer.

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import JointCritic
    >>> critic = JointCritic(2, 3, hidden_dims=(8,))
    >>> critic(torch.zeros(4, 1, 2), torch.zeros(4, 5, 3)).shape
    torch.Size([4, 5])
    """

    def __init__(self, x_features, y_features, hidden_dims=(256, 256), activation="relu"):
        super().__init__()
        if len(hidden_dims) == 0:
            raise ValueError("a joint critic needs at least one hidden layer")
        self.x_layer = nn.Linear(x_features, hidden_dims[0])
        self.y_layer = nn.Linear(y_features, hidden_dims[0], bias=False)
        self.activation = make_activation(activation)
        self.rest = MLP(hidden_dims[0], 1, hidden_dims[1:], activation)

    def embed_x(self, x):
        return self.x_layer(x)

    def embed_y(self, y):
        return self.y_layer(y)

    def head(self, hx, hy):
        return self.rest(self.activation(hx + hy)).squeeze(-1)


class SeparableCritic(_InnerProductCritic):
    """Inner product of embeddings, ``g(x) @ h(y)``: all n x n scores in one matmul.

    Parameters
    ----------
    x_features, y_features : int
        Dimensions of x and y.
    hidden_dims : tuple of int, default=(256,)
        Hidden widths of both embedding networks.
    embedding_dim : int, default=32
        Width of the embeddings.
    activation : str, default="relu"
        Activation after every hidden layer.
    """

    def __init__(
        self, x_features, y_features, hidden_dims=(256,), embedding_dim=32, activation="relu"
    ):
        super().__init__()
        self.g = MLP(x_features, embedding_dim, hidden_dims, activation)
        self.h = MLP(y_features, embedding_dim, hidden_dims, activation)

    def embed_x(self, x):
        return self.g(x)

    def embed_y(self, y):
        return self.h(y)


class BilinearCritic(_InnerProductCritic):
    """``g(x) @ y`` with ``g`` an MLP onto y's space; ``hidden_dims=()`` gives
    ``x^T W y + b^T y``, the optimal InfoNCE critic for jointly Gaussian data.

    Parameters
    ----------
    x_features, y_features : int
        Dimensions of x and y.
    hidden_dims : tuple of int, default=()
        Hidden widths of ``g``.
    activation : str, default="relu"
        Activation after every hidden layer.
    """

    def __init__(self, x_features, y_features, hidden_dims=(), activation="relu"):
        super().__init__()
        self.g = MLP(x_features, y_features, hidden_dims, activation)

    def embed_x(self, x):
        return self.g(x)

    def embed_y(self, y):
        return y


# Up to this many candidate rows per negative, one matmul against all candidates costs
# less than gathering K embeddings for every row.
ALL_PAIRS_RATIO = 128


def pair_scores(critic, hx, hy, negative_index, start=0):
    """Scores of positive pairs and of each row's negatives, from embeddings.

    An inner-product critic (or a batch whose every other row is a negative) scores
    all pairs with :meth:`score_matrix` and gathers; otherwise only the head runs on
    the gathered pairs. Either way the values are the same.

    Parameters
    ----------
    critic : JointCritic, SeparableCritic or BilinearCritic
        Any module with ``embed_x``, ``embed_y``, ``head`` and ``score_matrix``.
    hx : torch.Tensor of shape (c, h)
        ``critic.embed_x`` of rows ``start, ..., start + c - 1``.
    hy : torch.Tensor of shape (m, h)
        ``critic.embed_y`` of all m candidate rows; row ``start + i`` pairs with
        ``hx[i]``.
    negative_index : torch.Tensor of shape (c, K), integer
        Row ``i``'s negatives are ``hy[negative_index[i]]``.
    start : int, default=0
        Position of ``hx``'s first row among the rows of ``hy``.

    Returns
    -------
    positive : torch.Tensor of shape (c,)
    negative : torch.Tensor of shape (c, K)

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import SeparableCritic, pair_scores
    >>> critic = SeparableCritic(2, 3, hidden_dims=(8,), embedding_dim=4)
    >>> x, y = torch.randn(5, 2), torch.randn(5, 3)
    >>> index = (torch.arange(5)[:, None] + torch.arange(1, 3)) % 5
    >>> positive, negative = pair_scores(critic, critic.embed_x(x), critic.embed_y(y), index)
    >>> positive.shape, negative.shape
    (torch.Size([5]), torch.Size([5, 2]))
    """
    rows, k = negative_index.shape
    candidates = hy.shape[0]
    every_pair_needed = rows == candidates and k == candidates - 1
    if every_pair_needed or (critic.inner_product and candidates <= ALL_PAIRS_RATIO * k):
        scores = critic.score_matrix(hx, hy)
        return scores.diagonal(offset=start), scores.gather(1, negative_index)
    positive = critic.head(hx, hy[start : start + rows])
    negative = critic.head(hx[:, None, :], hy[negative_index])
    return positive, negative
