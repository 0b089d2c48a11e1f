"""Recommendation rules: checked on load, fired by missed targets, merged."""

from pathlib import Path

import pytest
import report_sample as rs
import yaml

from profmon.errors import MethodologyError
from profmon.methodology import load_methodology
from profmon.recommendation_rules import check_rules, parse_rules
from profmon.recommendations import recommend, to_frame
from profmon.report.advice import (
    as_html,
    municipality_recommendations,
    region_recommendations,
)
from profmon.report.context import build_context

CODES = [ind.code for ind in load_methodology(2022).indicators]
RULE = {
    "id": "x",
    "recipient": "schools",
    "level": "cluster",
    "indicators": ["basic.events"],
    "text_ru": "Сделать.",
}


@pytest.fixture(scope="module")
def ctx():
    return build_context(rs.two_years(rs.missing_cluster_targets()), 2022)


def by_text(recommendations, fragment):
    found = [rec for rec in recommendations if fragment in rec.text_ru]
    assert len(found) == 1, [rec.text_ru for rec in recommendations]
    return found[0]


def test_bundled_rules_load_and_cover_every_recipient():
    rules = parse_rules(load_methodology(2022))
    assert {rule.recipient for rule in rules} == {
        "department",
        "centre",
        "municipality",
        "schools",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicators": ["basic.nope"]}, "unknown indicator code(s) ['basic.nope']"),
        ({"level": "school"}, "level 'school' is not one of"),
        ({"recipient": "mayor"}, "recipient 'mayor' is not one of"),
        ({"clusters": ["КГ9"]}, "unknown cluster(s) ['КГ9']"),
        ({"colour": "red"}, "unknown key(s) ['colour']"),
        ({"text_ru": "до {tomorrow}"}, "bad placeholder"),
        ({"level": "region", "clusters": ["КГ1"]}, "with level cluster only"),
    ],
)
def test_bad_rules_are_errors_that_name_the_rule(change, message):
    with pytest.raises(MethodologyError, match="recommendation 'x'") as error:
        check_rules([{**RULE, **change}], CODES, "2022.yaml")
    assert message in str(error.value)
    assert str(error.value).startswith("2022.yaml: ")


def test_repeated_ids_are_an_error():
    with pytest.raises(MethodologyError, match=r"ids repeated: \['x'\]"):
        check_rules([RULE, RULE], CODES, "e.yaml")


def test_unknown_indicator_in_an_edition_file_fails_on_load(tmp_path):
    source = Path(load_methodology(2022).source)
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    document["recommendations"][0]["indicators"] = ["vocational.unknown"]
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MethodologyError, match=r"vocational\.unknown"):
        load_methodology(path=path)


def test_region_report_addresses_kg1_kg3_kg4_as_the_document_does(ctx):
    recommendations = region_recommendations(ctx)

    events = by_text(recommendations, "профориентационных мероприятиях")
    assert events.recipient == "schools"
    assert events.clusters == ("КГ1", "КГ3", "КГ4")  # КГ2 met its target
    assert [item.group for item in events.evidence] == ["КГ1", "КГ3", "КГ4"]

    trials = by_text(recommendations, "профессиональных пробах")
    assert trials.clusters == ("КГ1",)
    assert "«Билет в будущее»" in trials.text_ru
    assert trials.evidence[0].indicator == "basic.trials_6_9"
    assert "КГ1: доля обучающихся 6–9-х классов" in trials.evidence[0].text_ru
    assert "— 30\u00a0% при целевом значении 40\u00a0%" in trials.evidence[0].text_ru

    profile = by_text(recommendations, "профильной подготовки")
    assert profile.clusters == ("КГ3", "КГ4")
    assert {item.indicator for item in profile.evidence} == {
        "secondary.gia_advanced",
        "secondary.vuz_profile",
        "secondary.vuz_profile_region",
    }


def test_region_misses_fire_department_and_centre(ctx):
    recommendations = region_recommendations(ctx)
    department = by_text(recommendations, "«ТОП-Регион»")
    assert department.recipient == "department"
    assert department.due_ru == "до мая 2024 года"
    seminar = by_text(recommendations, "семинар-совещание")
    assert seminar.recipient == "centre"
    region_misses = ctx.level("region")
    missed = set(region_misses.loc[region_misses["met"].eq(False), "indicator"])
    assert {item.indicator for item in seminar.evidence} == missed
    assert all(rec.recipient != "municipality" for rec in recommendations)
    recipients = [rec.recipient for rec in recommendations]
    assert recipients == sorted(
        recipients, key=["department", "centre", "municipality", "schools"].index
    )


def test_a_region_that_meets_every_target_gets_no_recommendation():
    ctx = build_context(rs.two_years([rs.school("a", "Рыбинск", per_grade=40)]), 2022)
    assert region_recommendations(ctx) == []
    assert "рекомендаций нет" in as_html([]).html


def test_municipal_report_addresses_its_authorities_and_schools(ctx):
    recommendations = municipality_recommendations(ctx, "угличский МР")
    review = by_text(recommendations, "Рассмотреть результаты мониторинга")
    assert review.recipient == "municipality"
    assert review.addressee_ru.endswith("(Угличский)")
    schools = by_text(recommendations, "профильной подготовки")
    assert schools.clusters == ("КГ4",)
    assert schools.addressee_ru.endswith("кластерной группы КГ4 (Угличский)")
    assert all(rec.recipient in ("municipality", "schools") for rec in recommendations)


def test_rules_with_the_same_text_merge_and_list_every_indicator():
    rules = [
        {**RULE, "id": "a", "indicators": ["basic.events"]},
        {**RULE, "id": "b", "indicators": ["basic.trials_6_9"]},
    ]
    methodology = load_methodology(2022)
    object.__setattr__(methodology, "recommendation_rules", tuple(rules))
    ctx = build_context(rs.two_years(rs.missing_cluster_targets()), 2022, methodology)
    rows = ctx.level("cluster")
    (merged,) = recommend(rows, methodology, 2022)
    assert merged.rules == ("a", "b")
    assert [item.indicator for item in merged.evidence] == [
        "basic.events",
        "basic.events",
        "basic.events",
        "basic.trials_6_9",
    ]


def test_html_and_frame_escape_and_number_by_recipient(ctx):
    recommendations = region_recommendations(ctx)
    html = as_html(recommendations).html
    assert html.index("<h3>1. Департаменту образования</h3>") < html.index("<h3>2.")
    assert "<strong>2.1.</strong>" in html
    frame = to_frame(recommendations)
    assert list(frame.columns) == ["Адресат", "Рекомендация", "Срок", "Основание"]
    assert len(frame) == len(recommendations)
