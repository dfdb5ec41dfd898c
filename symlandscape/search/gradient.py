"""The gradient decides first: a nonzero component is the ``gradient`` certificate of ``not_critical``.

Pairs with the checker's ``_Checker.check_gradient`` and ``_Checker.check_criticality``.
"""

from __future__ import annotations

import flint

from .scalars import _SIGN_DIGITS, _Undecided, _outsized, _sign, _text


def gradient_signs(search):
    """The sign of each gradient component by the checker's rule, None where it is undecided.

    Each sign is decided once: an undecided one may have cost seconds of interval
    arithmetic.  After the first nonzero component the rest are not needed.
    """
    signs = []
    for g in search.gradient:
        if _outsized(g):
            # the sign rule's interval enclosures of exp(10^1000) cost minutes before they
            # give up: an exact number this large is left undecided at once
            search.notes.append(f"A gradient component holds a number of more than {_SIGN_DIGITS} digits "
                                "inside exp, log, tanh or sigmoid; its sign is not attempted.")
            signs.append(None)
            continue
        try:
            signs.append(_sign(g))
        except _Undecided:
            signs.append(None)
        if signs[-1]:
            break
    return signs + [None] * (len(search.gradient) - len(signs))


def not_critical_smooth(search, i):
    """The ``gradient`` evidence for the nonzero component ``i``; the witness curve descends along -e_i."""
    search.evidence = {"gradient": {"type": "gradient", "gradient": [_text(g) for g in search.gradient]}}
    name = search.L.variables[i]
    search.notes.insert(0, f"The gradient is not zero: ∂L/∂{name} = {_text(search.gradient[i])}.")
    direction = [flint.fmpq(0)] * search.n
    direction[i] = flint.fmpq(-_sign(search.gradient[i]))
    search.witness_curve = [direction]
