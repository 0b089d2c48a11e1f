import json
import logging

from profmon.report_manifest import MANIFEST_NAME, Manifest, file_sha256


def test_an_output_is_current_while_key_and_file_are_as_recorded(tmp_path):
    page = tmp_path / "region.html"
    page.write_text("первая версия", encoding="utf-8")
    manifest = Manifest(tmp_path)
    assert not manifest.is_current("region.html", "k1")

    manifest.record("region.html", "k1", title="Регион")
    manifest.save()
    reloaded = Manifest(tmp_path)
    assert reloaded.is_current("region.html", "k1")
    assert not reloaded.is_current("region.html", "k2")
    assert reloaded.entries["region.html"]["title"] == "Регион"

    page.write_text("правка вручную", encoding="utf-8")
    assert not reloaded.is_current("region.html", "k1")
    page.unlink()
    assert not reloaded.is_current("region.html", "k1")


def test_forget_and_saved_layout(tmp_path):
    (tmp_path / "b.html").write_text("b")
    (tmp_path / "a.html").write_text("a")
    manifest = Manifest(tmp_path)
    manifest.record("b.html", "kb")
    manifest.record("a.html", "ka")
    manifest.forget("b.html")
    manifest.forget("never.html")
    path = manifest.save()

    assert path == tmp_path / MANIFEST_NAME
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document["outputs"]) == ["a.html"]
    assert document["outputs"]["a.html"]["sha256"] == file_sha256(tmp_path / "a.html")


def test_an_unreadable_manifest_means_render_everything(tmp_path, caplog):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="profmon.report_manifest"):
        manifest = Manifest(tmp_path)
    assert manifest.entries == {}
    assert "unreadable" in caplog.text

    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"format": 999, "outputs": {}}))
    assert Manifest(tmp_path).entries == {}


def test_file_sha256_of_a_missing_file_is_none(tmp_path):
    assert file_sha256(tmp_path / "absent") is None
