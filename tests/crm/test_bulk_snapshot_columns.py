"""Summary mode takes a CRM export's rows as of the as-of date over the columns: a row
with events after the date needs no case built and snapshot by the model, and the totals
are those of snapshotting every case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules.bulk.evaluate import evaluate_file
from complaintrules.io.tabular import load_mapping
from complaintrules.model.case import Complaint

EXPORT = "examples/crm/export.csv"


@pytest.mark.parametrize("as_of", [date(2024, 7, 1), date(2024, 9, 1)])
def test_rows_with_later_events_are_taken_as_of_the_date_over_the_columns(
    as_of: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = load_mapping("examples/crm/mapping.yaml")
    every = evaluate_file(EXPORT, mapping, as_of=as_of, fast=False, messages=False)
    taken: list[str] = []
    own = Complaint.as_of

    def counted(case: Complaint, when: date) -> Any:
        taken.append(case.reference)
        return own(case, when)

    monkeypatch.setattr(Complaint, "as_of", counted)
    summary = evaluate_file(EXPORT, mapping, as_of=as_of, messages=False)
    assert summary.cases_with_events_ignored > 0
    # only the rows a rule must judge alone are built and snapshot by the model
    assert len(taken) < summary.cases_with_events_ignored
    assert summary.to_dict() == every.to_dict()
