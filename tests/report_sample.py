"""Small validated schools frames for the report tests, built by hand.

Each school gets the same pupils in every grade and a rate for each
participation or admission field; counts are the rate times the field's
denominator, rounded. The default rates meet every 2022 target, so a test
lowers the rates it wants to miss.
"""

import numpy as np
import pandas as pd

from profmon.clusters import classify
from profmon.fields import FIELDS, GRADE_FIELDS
from profmon.methodology import load_methodology

#: field -> (rate that meets the target, the fields its rate is a share of)
DEFAULT_RATES = {
    "bilet_6_11": (0.40, [f"grade_{g}" for g in range(6, 12)]),
    "proektoria_1_11": (0.60, list(GRADE_FIELDS)),
    "events_1_11": (0.95, list(GRADE_FIELDS)),
    "counselled_5_9": (0.80, [f"grade_{g}" for g in range(5, 10)]),
    "trials_6_9": (0.50, [f"grade_{g}" for g in range(6, 10)]),
    "excursions_6_9": (0.90, [f"grade_{g}" for g in range(6, 10)]),
    "counselled_10_11": (0.90, ["grade_10", "grade_11"]),
    "excursions_10_11": (0.90, ["grade_10", "grade_11"]),
    "gia_advanced_11": (0.60, ["grade_11"]),
    "vuz_profile_11": (0.50, ["graduates_11"]),
    "vuz_profile_region_11": (0.35, ["graduates_11"]),
    "vuz_labour_market_11": (0.50, ["graduates_11"]),
    "poo_region_9": (0.85, ["graduates_9"]),
    "poo_region_11": (0.15, ["graduates_11"]),
    "poo_top_region_9": (0.40, ["graduates_9"]),
    "poo_ovz_9": (0.06, ["graduates_9"]),
    "poo_ovz_11": (0.11, ["graduates_11"]),
    "survey_respondents_9_11": (1.0, ["grade_9", "grade_11"]),
    "survey_satisfied_9_11": (0.70, ["survey_respondents_9_11"]),
}


def school(
    school_id,
    municipality,
    *,
    school_type="общеобразовательная",
    per_grade=30,
    year=2022,
    name=None,
    ovz_share=0.15,
    flags=True,
    **rates,
):
    """Return one school's row as a dict; keyword rates override defaults."""
    row = {
        "school_id": school_id,
        "school_name": name or f"Школа {school_id}",
        "municipality": municipality,
        "school_type": school_type,
        "settlement": "город",
        "year": year,
    }
    for grade in GRADE_FIELDS:
        row[grade] = per_grade
    pupils = per_grade * 11
    row["pupils_ovz"] = round(pupils * ovz_share)
    row["pupils_disabled"] = round(pupils * ovz_share / 5)
    row["graduates_9"] = per_grade
    row["graduates_11"] = per_grade
    row["graduates_9_ovz"] = round(per_grade * ovz_share)
    row["graduates_11_ovz"] = round(per_grade * ovz_share)
    row["has_career_regulations"] = flags
    row["has_career_room"] = flags
    for field, (rate, whole) in DEFAULT_RATES.items():
        rate = rates.get(field, rate)
        row[field] = int(np.floor(rate * sum(row[name] for name in whole) + 0.5))
    return row


def frame(rows):
    """Turn school rows into a validated schools frame (with cluster)."""
    table = pd.DataFrame(rows)
    for field in FIELDS:
        if field.kind == "count":
            table[field.name] = table[field.name].astype("int64")
        elif field.kind == "flag":
            table[field.name] = table[field.name].astype(bool)
        else:
            table[field.name] = table[field.name].astype(str)
    table = table.loc[:, [field.name for field in FIELDS] + ["year"]]
    table["year"] = table["year"].astype("int64")
    table["cluster"] = classify(table, load_methodology(2022).clusters)
    table["source_file"] = "sample.xlsx"
    table["source_sheet"] = "schools"
    table["source_row"] = np.arange(2, len(table) + 2)
    return table


def two_years(rows_2022, rows_2021=None):
    """A panel of 2021 and 2022; 2021 repeats 2022 unless given."""
    if rows_2021 is None:
        rows_2021 = [dict(row, year=2021) for row in rows_2022]
    return pd.concat([frame(rows_2021), frame(rows_2022)], ignore_index=True)


def missing_cluster_targets():
    """Rows that miss what the source document's КГ1/КГ3/КГ4 advice is about.

    КГ1 misses events and professional trials; КГ3 and КГ4 miss events and
    the profile results (ГИА, ООВО by profile); КГ2 meets everything; the
    region as a whole misses ТОП-Регион admissions.
    """
    profile_miss = {
        "gia_advanced_11": 0.30,
        "vuz_profile_11": 0.20,
        "vuz_profile_region_11": 0.10,
    }
    return [
        school("s1", "Рыбинск", school_type="лицей", events_1_11=0.78, trials_6_9=0.3),
        school("s2", "Ярославль", per_grade=50, poo_top_region_9=0.2),
        school("s3", "Ярославль", per_grade=25, events_1_11=0.8, **profile_miss),
        school("s4", "Угличский", per_grade=10, events_1_11=0.8, **profile_miss),
        school("s5", "Угличский", per_grade=12, ovz_share=0.25),
    ]


def write_data(root, panel):
    """Write a panel as one CSV per year under ``root/raw/<year>/``."""
    names = [field.name for field in FIELDS]
    for year, part in panel.groupby("year"):
        folder = root / "raw" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        table = part.loc[:, names].copy()
        for field in FIELDS:
            if field.kind == "flag":
                table[field.name] = table[field.name].map({True: "да", False: "нет"})
        table.to_csv(folder / "schools.csv", index=False)
    return root
