"""The Housing Ombudsman's Complaint Handling Code 2024 (statutory from 1 April 2024).

Registered through the ``complaintrules`` entry-point group, like any third-party pack.
"""

from collections.abc import Sequence

from complaintrules import Pack, hookimpl

from ._pack import PACK

__all__ = ["PACK", "complaintrules_packs"]


@hookimpl
def complaintrules_packs() -> Sequence[Pack]:
    return [PACK]
