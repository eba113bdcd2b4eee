"""A flow instance file, parsed into the instance of its model (the ``model`` key of
``dlncheck.flow/1``, ``checks.flow_instances``): the reduced models there, the factor models in
``checks.flow_models`` and wn in ``checks.flow_wn``. The dispatch sits above all three, so none of
them imports another's parser (they build on ``checks.flow_instances``)."""

from __future__ import annotations

from typing import Any

from dlncheck.checks.flow_instances import REDUCED_MODELS, WN_MODELS, parse_instance_fields, reduced_instance


def parse_flow_instance(data: Any) -> Any:
    """Validate a decoded flow instance; errors are one-line :class:`InstanceError`.

    Returns a :class:`FlowInstance` for the reduced models, a ``checks.flow_models`` or
    ``checks.flow_wn`` instance for the others.
    """
    fields = parse_instance_fields(data)
    if fields.model in REDUCED_MODELS:
        return reduced_instance(fields)
    # imported when used: the factor flows and wn load SciPy's integrators
    if fields.model in WN_MODELS:
        from dlncheck.checks.flow_wn import parse_wn_instance

        return parse_wn_instance(fields)
    from dlncheck.checks.flow_models import parse_factor_instance

    return parse_factor_instance(fields)
