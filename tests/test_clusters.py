import pandas as pd
import pytest

from profmon.clusters import ClusterRules, classify
from profmon.methodology import load_methodology


def _schools(*sizes_and_types):
    rows = []
    for pupils, school_type in sizes_and_types:
        row = {f"grade_{g}": 0 for g in range(1, 12)}
        # spread the pupils over grades so that the sum matters, not one cell
        row["grade_1"] = pupils - pupils // 2
        row["grade_10"] = pupils // 2
        row["school_type"] = school_type
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("pupils", "school_type", "cluster"),
    [
        (199, "общеобразовательная", "КГ4"),
        (200, "общеобразовательная", "КГ3"),
        (400, "общеобразовательная", "КГ3"),
        (401, "общеобразовательная", "КГ2"),
        (50, "лицей", "КГ1"),
        (50, "гимназия", "КГ1"),
        (50, "УИОП", "КГ1"),
        (1500, "лицей", "КГ1"),
        (0, "общеобразовательная", "КГ4"),
    ],
)
def test_boundaries_of_the_methodology(pupils, school_type, cluster):
    rules = load_methodology(2022).clusters
    result = classify(_schools((pupils, school_type)), rules)
    assert result.iloc[0] == cluster


def test_thresholds_are_parameters_not_literals():
    rules = ClusterRules(large_above=300, medium_from=100)
    result = classify(
        _schools(
            (150, "общеобразовательная"),
            (301, "общеобразовательная"),
            (99, "общеобразовательная"),
        ),
        rules,
    )
    assert list(result) == ["КГ3", "КГ2", "КГ4"]


def test_selective_types_are_a_parameter():
    rules = ClusterRules(selective_types=("лицей",))
    result = classify(_schools((50, "гимназия"), (50, "лицей")), rules)
    assert list(result) == ["КГ4", "КГ1"]


def test_result_is_ordered_categorical_aligned_with_input():
    frame = _schools((500, "общеобразовательная"), (10, "лицей")).set_axis([7, 3])
    result = classify(frame, load_methodology(2022).clusters)
    assert list(result.index) == [7, 3]
    assert list(result.cat.categories) == ["КГ1", "КГ2", "КГ3", "КГ4"]


def test_inconsistent_thresholds_are_refused():
    with pytest.raises(ValueError, match="medium_from"):
        ClusterRules(large_above=100, medium_from=200)
