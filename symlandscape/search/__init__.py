"""The search for certificates: one module per certificate kind, each paired with the checker's part that re-checks it.

- ``core``: the driver (the order of the steps, the verdict and its explanation);
  checked as a whole by ``_Checker.run`` and ``check_kind`` in ``symlandscape/verify.py``.
- ``gradient``: a nonzero gradient component, ``not_critical``; ``check_gradient``, ``check_criticality``.
- ``kinks``: Clarke criticality or a separating direction at a kink, and the adjacent pieces;
  ``check_subdifferential`` and ``regions.check_pieces``.
- ``congruence``: the Hessian's canonical congruence, its inertia, the witnesses u, v of an
  indefinite Hessian; ``check_congruence``, ``check_indefinite``.
- ``curves``: descent and ascent curves (lines, paths, parabolas, curves of any order); ``check_curve``.
- ``positivity``: sums of squares everywhere or per piece, and the loss's own form;
  ``check_bound``, ``check_sos``, ``check_structural``.
- ``global_status``: global lower bounds and points of exactly lower value; ``check_global``.
- ``scalars``: exact numbers, signs by the checker's rule, certificate text (the checker keeps its own copies).

The checker imports nothing from this package.  :func:`symlandscape.classify` is the entry point.
"""
