import datetime
import hashlib
import importlib.metadata
import shutil

import pandas as pd
import pytest
from render_support import write_dataset

from profmon import provenance
from profmon.errors import ProfmonError


def plain_fingerprint(root, paths):
    """The documented format, computed independently: length-prefixed fields."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@pytest.fixture
def data_dir(tmp_path):
    return write_dataset(tmp_path / "data", ["Ярославль", "Рыбинск"], schools=2)


def test_generation_time_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    moment = provenance.generation_time()
    assert moment == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)


def test_generation_time_is_now_without_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    moment = provenance.generation_time()
    after = datetime.datetime.now(datetime.UTC)
    assert moment.tzinfo is not None
    assert before <= moment <= after


@pytest.mark.parametrize("bad", ["yesterday", "1.5", "0x10"])
def test_a_bad_epoch_is_a_clear_error(monkeypatch, bad):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(ProfmonError, match="SOURCE_DATE_EPOCH") as error:
        provenance.generation_time()
    assert repr(bad) in str(error.value)


def test_fingerprint_follows_the_documented_format(data_dir):
    files = sorted((data_dir / "raw").rglob("*.csv"))
    assert len(files) == 4
    expected = plain_fingerprint(data_dir, files)
    assert provenance.data_fingerprint(data_dir, [2021, 2022]) == expected
    only_2022 = [path for path in files if path.parent.name == "2022"]
    assert provenance.data_fingerprint(data_dir, [2022]) == plain_fingerprint(
        data_dir, only_2022
    )


def test_fingerprint_ignores_location_and_skipped_files(data_dir, tmp_path):
    before = provenance.data_fingerprint(data_dir, [2021, 2022])
    (data_dir / "raw" / "2022" / "~$mo_00.xlsx").write_bytes(b"lock")
    (data_dir / "raw" / "2022" / ".hidden.csv").write_text("x")
    (data_dir / "raw" / "2022" / "Thumbs.db").write_bytes(b"x")
    moved = shutil.copytree(data_dir, tmp_path / "elsewhere")
    assert provenance.data_fingerprint(moved, [2021, 2022]) == before
    assert provenance.data_fingerprint(data_dir, [2022, 2021, 2022]) == before
    assert provenance.data_fingerprint(data_dir, [2020]) == hashlib.sha256().hexdigest()


def test_fingerprint_sees_edits_renames_and_new_files(data_dir):
    folder = data_dir / "raw" / "2022"
    seen = {provenance.data_fingerprint(data_dir, [2022])}
    path = folder / "mo_00.csv"
    path.write_bytes(path.read_bytes().replace(b"\xd0\xa8", b"\xd0\xa9", 1))
    seen.add(provenance.data_fingerprint(data_dir, [2022]))
    path.rename(folder / "mo_99.csv")
    seen.add(provenance.data_fingerprint(data_dir, [2022]))
    (folder / "notes.xls").write_bytes(b"unsupported, but reported by the reader")
    seen.add(provenance.data_fingerprint(data_dir, [2022]))
    assert len(seen) == 4


def test_versions(data_dir):
    assert provenance.package_version() == importlib.metadata.version("profmon")
    first = provenance.package_fingerprint()
    assert len(first) == 64 and first == provenance.package_fingerprint()


def test_frame_digest_ignores_row_and_column_order_only():
    frame = pd.DataFrame({"school_id": ["a", "b"], "pupils": [10, 20]})
    same = frame.iloc[::-1].loc[:, ["pupils", "school_id"]].reset_index(drop=True)
    assert provenance.frame_digest(frame) == provenance.frame_digest(same)
    changed = frame.assign(pupils=[10, 21])
    assert provenance.frame_digest(frame) != provenance.frame_digest(changed)
    renamed = frame.rename(columns={"pupils": "pupils_ovz"})
    assert provenance.frame_digest(frame) != provenance.frame_digest(renamed)
    retyped = frame.assign(pupils=frame["pupils"].astype("float64"))
    assert provenance.frame_digest(frame) != provenance.frame_digest(retyped)


def test_provenance_of_a_regional_report(data_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    facts = provenance.provenance(data_dir, 2022, {"year": 2022})

    assert facts["years"] == [2021, 2022]
    assert facts["files"] == 4
    assert facts["data_fingerprint"] == provenance.data_fingerprint(
        data_dir, [2021, 2022]
    )
    assert facts["report_fingerprint"] == facts["data_fingerprint"]
    assert "2021, 2022" in facts["report_scope"]
    assert facts["parameters"] == {"year": 2022}
    assert facts["generated_at"] == "2023-11-14T22:13:20+00:00"
    assert facts["profmon_version"] == provenance.package_version()
    assert facts["methodology_edition"]
    later = provenance.provenance(data_dir, 2021, {})
    assert later["years"] == [2021] and later["files"] == 2


def test_a_municipal_fingerprint_covers_its_own_rows_not_the_others(data_dir):
    from profmon.report.context import clear_cache, load_context

    def fingerprints():
        clear_cache()
        context = load_context(data_dir, 2022)
        return {
            name: provenance.report_fingerprint(context, name)
            for name in ("Ярославль", "Рыбинск")
        }

    before = fingerprints()
    assert before["Ярославль"] != before["Рыбинск"]

    # Rename a school of Рыбинск: its rows change, no figure of the region does.
    path = data_dir / "raw" / "2022" / "mo_01.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[0, "school_name"] = "Переименованная школа"
    table.to_csv(path, index=False)
    after = fingerprints()
    assert after["Ярославль"] == before["Ярославль"]
    assert after["Рыбинск"] != before["Рыбинск"]

    # A count of Ярославль changes the region's figures: both change.
    path = data_dir / "raw" / "2022" / "mo_00.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[0, "events_1_11"] = str(int(table.loc[0, "events_1_11"]) - 1)
    table.to_csv(path, index=False)
    last = fingerprints()
    assert last["Ярославль"] != after["Ярославль"]
    assert last["Рыбинск"] != after["Рыбинск"]
    clear_cache()

    facts = provenance.provenance(data_dir, 2022, {"municipality": "рыбинск"})
    assert facts["report_fingerprint"] == last["Рыбинск"]
    assert "Рыбинск" in facts["report_scope"]
    assert facts["report_fingerprint"] != facts["data_fingerprint"]
    clear_cache()
