import pytest
import yaml

from profmon.errors import MethodologyError
from profmon.methodology import (
    available_editions,
    load_methodology,
    parse_expression,
)
from profmon.reference import published_figures


def test_bundled_edition_has_the_twenty_published_indicators():
    methodology = load_methodology(2022)
    codes = [indicator.code for indicator in methodology.indicators]
    published = list(dict.fromkeys(figure.indicator for figure in published_figures()))
    assert codes == published
    assert len(codes) == 20
    assert methodology.edition == "2022"


def test_targets_are_those_of_the_source_document():
    methodology = load_methodology(2022)
    targets = {ind.code: ind.target for ind in methodology.indicators}
    assert targets["basic.bilet"] == 4
    assert targets["basic.events"] == 90
    assert targets["vocational.poo9_region"] == 80
    assert targets["vocational.vuz11_labour_market"] == 45
    assert targets["conditions.npo"] == 50


def test_grade_bands_expand():
    assert parse_expression("grade_6:9") == ("grade_6", "grade_7", "grade_8", "grade_9")
    assert parse_expression("grade_9 + grade_11") == ("grade_9", "grade_11")
    assert parse_expression("has_career_room") == ("has_career_room",)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("pupils_total", "not a field of the data contract"),
        ("grade_9:6", "must run from 1 to 11"),
        ("grade_0:3", "must run from 1 to 11"),
        ("school_name", "not a count or да/нет field"),
    ],
)
def test_bad_expressions_are_clear_errors(expression, message):
    with pytest.raises(MethodologyError, match=message):
        parse_expression(expression, where="test")


def _edition(tmp_path, change):
    source = load_methodology(2022).source
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_field_in_an_edition_names_the_indicator(tmp_path):
    def change(document):
        document["indicators"][2]["denominator"] = "grade_6:11 + pupils_sum"

    with pytest.raises(MethodologyError, match=r"basic\.bilet.*'pupils_sum'"):
        load_methodology(path=_edition(tmp_path, change))


def test_repeated_code_and_unknown_block_are_errors(tmp_path):
    def repeat(document):
        document["indicators"][1]["code"] = document["indicators"][0]["code"]

    with pytest.raises(MethodologyError, match="repeated"):
        load_methodology(path=_edition(tmp_path, repeat))

    def block(document):
        document["indicators"][0]["block"] = "tertiary"

    with pytest.raises(MethodologyError, match="block 'tertiary'"):
        load_methodology(path=_edition(tmp_path, block))


def test_not_yaml_is_an_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("indicators: [unclosed", encoding="utf-8")
    with pytest.raises(MethodologyError, match="not valid YAML"):
        load_methodology(path=path)


def test_edition_in_effect_is_chosen_by_year():
    editions = available_editions()
    assert 2022 in editions
    assert load_methodology(2030).edition == load_methodology(2022).edition
    # before the first edition, the oldest one applies
    assert load_methodology(2019).source == editions[min(editions)]


def test_required_fields_follow_indicators_in_effect():
    methodology = load_methodology(2022)
    assert "proektoria_1_11" in methodology.required_fields(2022)
    assert "proektoria_1_11" not in methodology.required_fields(2021)
    assert "grade_5" in methodology.required_fields(2021)
    assert "settlement" not in methodology.required_fields(2022)
