"""Input files: errors name the file, line and field; hostile YAML is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintrules import InputError, load_case, load_cases, load_organisation, load_policy


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "case.yaml",
        "reference: C-1\nreceived_on: 2024-05-01\nstages:\n  - number: 1\n"
        "    acknowledged:\n      on: yesterday\n",
    )
    with pytest.raises(InputError) as info:
        load_case(path)
    text = str(info.value)
    assert f"{path}:line 6: stages[0].acknowledged.on:" in text
    assert "'yesterday'" in text


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "policy.yaml", "name: P\ntriage: true\nchanels: [email]\n")
    with pytest.raises(InputError) as info:
        load_policy(path)
    assert "line 3: chanels: unknown field" in str(info.value)


def test_malformed_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "org.yaml", "name: X\nattestations: [\n")
    with pytest.raises(InputError, match="invalid YAML"):
        load_organisation(path)


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError, match=r"empty|no content"):
        load_policy(write(tmp_path, "p.yaml", text))


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected a mapping of LandlordPolicy fields, got list"):
        load_policy(write(tmp_path, "p.yaml", "- a\n- b\n"))


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        refs = ",".join([f"*{prev}"] * 9)
        lines.append(f"{cur}: &{cur} [{refs}]")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(InputError, match="aliases expand"):
        load_policy(path)


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(InputError, match="invalid YAML"):
        load_policy(path)


def test_json_input(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", '{"reference": "C", "received_on": "2024-05-01"}')
    assert load_case(path).reference == "C"
    bad = write(tmp_path, "bad.json", '{"reference": "C",')
    with pytest.raises(InputError, match="invalid JSON"):
        load_case(bad)


def test_load_cases_reports_every_bad_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cases.yaml",
        "cases:\n"
        "  - {reference: A, received_on: 2024-05-01}\n"
        "  - {reference: B, received_on: notadate}\n"
        "  - {reference: '', received_on: 2024-05-01}\n",
    )
    with pytest.raises(InputError) as info:
        load_cases(path)
    assert len(info.value.problems) == 2
    assert "cases[1].received_on" in str(info.value)
    assert "cases[2].reference" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read file"):
        load_policy(tmp_path / "nope.yaml")


def test_on_is_a_field_name_not_a_boolean(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "case.yaml",
        "reference: C-1\nreceived_on: 2024-05-01\nstages:\n  - number: 1\n"
        "    acknowledged: {on: 2024-05-03}\n",
    )
    case = load_case(path)
    assert str(case.stages[0].acknowledged.on) == "2024-05-03"  # type: ignore[union-attr]


def test_a_byte_that_is_not_utf8_is_named_by_line_and_column(tmp_path: Path) -> None:
    """Found by tests/properties: the message named the file but not where the byte was."""
    path = tmp_path / "case.yaml"
    path.write_bytes(b"reference: C-1\nreceived_on: 2024-05-01\nchannel: ph\xffone\n")
    with pytest.raises(InputError) as info:
        load_case(path)
    assert f"{path}:line 3: not UTF-8 text: byte 0xff at column 12" in str(info.value)
