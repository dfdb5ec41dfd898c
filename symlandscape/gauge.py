"""Gauge fixing of a deep linear network: charts on which its critical set can be finite.

The loss ``s ‖W_{H+1}⋯W_1 X − Y‖²`` is invariant under ``W_k → C W_k``,
``W_{k+1} → W_{k+1} C⁻¹`` for every invertible ``C`` (one ``GL(d_k)`` per hidden layer), so
without regularisation its critical set is never finite.  A *gauge chart* picks, for each
hidden layer k, a set ``S_k`` of ``d_k`` columns of ``W_k`` and sets them to the identity:
``W_k[:, S_k] = I``.  The other entries stay free.

What a chart covers.  A point whose hidden-layer matrices ``W_1, …, W_H`` all have full row
rank has, for some choice of the ``S_k``, exactly one point of its orbit in that chart: take
``C_1 = W_1[:, S_1]`` invertible, move it to ``W_2``, and go on layer by layer.  Near such a
point the orbit map (chart point, group element) ↦ point is a diffeomorphism onto an open set
on which the loss depends on the chart point only.  So on the union of the charts:

- the critical points of the loss are the orbits of the critical points of the charts'
  losses, with the same values;
- a critical point is a local minimum (maximum, saddle) of the loss exactly when its chart
  point is one of the chart's loss;
- the global minimum value is the same.

Points where some ``W_k`` (k ≤ H) has rank below ``d_k`` lie in no chart; every bad saddle
of Kawaguchi's Corollary 2.4 is such a point.  A chart's critical set may still be positive
dimensional (when a hidden layer is wider than the one after it, the product's kernel gives
more freedom than the group); :func:`symlandscape.critical_points` then says so.

A chart needs ``d_k <= d_{k-1}`` for every hidden layer (``d_0 = d_x``); otherwise no column
choice exists and :func:`charts` raises :class:`~symlandscape.errors.InvalidArgument`.

>>> from symlandscape import deep_linear
>>> L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
>>> [(c.columns, [str(v) for v in c.landscape.variables]) for c in charts(L)]
[(((0,),), ['W1_1_2', 'W2_1_1', 'W2_2_1']), (((1,),), ['W1_1_1', 'W2_1_1', 'W2_2_1'])]
>>> c = charts(L)[1]
>>> c.point([0, 1, 2]), L.value(c.point([0, 1, 2])) == c.landscape.value([0, 1, 2])
((0, 1, 1, 2), True)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy

from .errors import InvalidArgument

__all__ = ["GaugeChart", "charts"]


@dataclass(frozen=True)
class GaugeChart:
    """One chart: ``columns[k]`` is the column set ``S_{k+1}`` of ``W_{k+1}`` held at the identity.

    ``landscape`` is the loss on the chart, a polynomial in the free entries (in the
    network's parameter order); :meth:`point` maps a chart point back to the network's.
    """

    columns: tuple
    landscape: object
    fixed: dict
    network: object

    def point(self, chart_point):
        """The network's parameters at the chart point ``chart_point``."""
        values = iter(self.landscape.coerce_point(chart_point))
        return tuple(self.fixed[v] if v in self.fixed else next(values) for v in self.network.variables)

    def describe(self):
        """``W1[:, {1, 2}] = I, W2[:, {1}] = I`` (columns counted from 1)."""
        return ", ".join(f"W{k}[:, {{{', '.join(str(j + 1) for j in S)}}}] = I"
                         for k, S in enumerate(self.columns, start=1))


def charts(landscape):
    """Every gauge chart of a deep linear ``landscape``: one per choice of the column sets ``S_k``."""
    from .deep_linear import DeepLinearLandscape
    from .landscape import Landscape

    if not isinstance(landscape, DeepLinearLandscape):
        raise InvalidArgument(f"gauge charts are defined for deep linear networks (symlandscape.deep_linear); "
                              f"got {type(landscape).__name__}")
    widths = landscape.widths
    hidden = len(widths) - 2
    if hidden < 1:
        raise InvalidArgument("the network has no hidden layer: there is no gauge symmetry to fix")
    for k in range(1, hidden + 1):
        if widths[k] > widths[k - 1]:
            raise InvalidArgument(f"hidden layer {k} has width {widths[k]} > {widths[k - 1]}, the width before it: "
                                  f"W_{k} has no {widths[k]} columns to hold at the identity")
    blocks, offset = [], 0
    for rows, cols in landscape.shapes:
        names = landscape.variables[offset:offset + rows * cols]
        blocks.append([list(names[i * cols:(i + 1) * cols]) for i in range(rows)])
        offset += rows * cols
    out = []
    choices = [itertools.combinations(range(widths[k - 1]), widths[k]) for k in range(1, hidden + 1)]
    for columns in itertools.product(*choices):
        fixed = {}
        for W, S in zip(blocks, columns):
            for i, row in enumerate(W):
                for position, j in enumerate(S):
                    fixed[row[j]] = sympy.Integer(1 if position == i else 0)
        free = [v for v in landscape.variables if v not in fixed]
        expression = landscape.expression.xreplace(fixed)
        out.append(GaugeChart(tuple(columns), Landscape.from_expression(expression, free), fixed, landscape))
    return tuple(out)
