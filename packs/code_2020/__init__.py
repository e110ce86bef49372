"""The Housing Ombudsman's Complaint Handling Code of July 2020, as revised in 2022.

In force until 31 March 2024. Registered through the ``complaintrules`` entry-point group,
like any third-party pack. Rules are numbered as in the 2022 revision and carry its split
between mandatory ("must") and best-practice ("should") requirements.
"""

from collections.abc import Sequence

from complaintrules import Pack, hookimpl

from ._pack import EQUIVALENTS_TO, PACK

__all__ = ["EQUIVALENTS_TO", "PACK", "complaintrules_packs"]


@hookimpl
def complaintrules_packs() -> Sequence[Pack]:
    return [PACK]
