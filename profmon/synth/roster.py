"""The invented schools of the sample: names, codes, municipalities, clusters.

Municipality names are real; school names and codes are made up. How many
schools of each cluster a municipality has is set here by hand so that the
sample looks like the region (the city of Yaroslavl holds most large schools
and lyceums, the rural districts mostly small schools), and adds up to the 330
schools of the 2022 monitoring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from profmon.municipalities import CITY_DISTRICTS, MUNICIPALITIES

__all__ = ["CLOSED_AFTER_2021", "SCHOOLS_BY_MUNICIPALITY", "build_roster"]

#: Schools of each cluster (КГ1, КГ2, КГ3, КГ4) per municipality in 2022.
SCHOOLS_BY_MUNICIPALITY = {
    "Ярославль": (15, 54, 4, 6),
    "Рыбинск": (4, 16, 3, 4),
    "Переславль-Залесский": (1, 4, 1, 3),
    "Большесельский": (0, 0, 1, 7),
    "Борисоглебский": (0, 1, 1, 6),
    "Брейтовский": (0, 0, 1, 6),
    "Гаврилов-Ямский": (0, 2, 2, 8),
    "Даниловский": (0, 1, 2, 10),
    "Любимский": (0, 1, 1, 6),
    "Мышкинский": (0, 1, 0, 6),
    "Некоузский": (0, 0, 2, 9),
    "Некрасовский": (0, 1, 2, 9),
    "Первомайский": (0, 1, 1, 6),
    "Пошехонский": (0, 1, 1, 8),
    "Ростовский": (1, 4, 3, 16),
    "Рыбинский": (0, 1, 3, 14),
    "Тутаевский": (1, 4, 2, 9),
    "Угличский": (1, 2, 2, 12),
    "Ярославский": (1, 4, 3, 19),
    "ГОУ": (1, 2, 0, 6),
}

#: Small schools that reported in 2021 and closed before 2022: (municipality,
#: cluster). They make the sample's 2022 validation warn about missing schools.
CLOSED_AFTER_2021 = (("Некоузский", "КГ4"), ("Брейтовский", "КГ4"))

_VILLAGE_ROOTS = (
    "Берёзов",
    "Ключев",
    "Соснов",
    "Полянов",
    "Озерков",
    "Рябинов",
    "Кленов",
    "Ольхов",
    "Дубравин",
    "Родников",
    "Заречен",
    "Покров",
    "Высоков",
    "Холмогоров",
    "Ивняков",
    "Осинов",
    "Липов",
    "Боров",
    "Травин",
    "Яблонев",
    "Ручьев",
    "Камен",
    "Зорин",
    "Ясенев",
    "Черёмухов",
    "Калинов",
    "Вязов",
    "Мохов",
    "Полев",
    "Лесов",
    "Сиренев",
    "Лугов",
    "Вишнёв",
    "Ключин",
    "Клевер",
    "Песчан",
    "Туманов",
    "Звонков",
    "Светлов",
)
_TYPE_NAMES = {
    "лицей": "Лицей № {n}",
    "гимназия": "Гимназия № {n}",
    "УИОП": "Средняя школа № {n} с углублённым изучением отдельных предметов",
}
_KG1_TYPES = ("лицей", "гимназия", "УИОП")
_ROSTER_SEED = 20221


def _municipality_code(position: int) -> str:
    return "GOU" if position == len(MUNICIPALITIES) - 1 else f"MO{position + 1:02d}"


def build_roster() -> pd.DataFrame:
    """Return every sample school with its fixed attributes.

    Returns
    -------
    pandas.DataFrame
        One row per school: ``school_id``, ``school_name``, ``municipality``,
        ``school_type``, ``settlement``, ``cluster`` (the cluster the sizes
        will be drawn for), ``basic_only`` (teaches grades 1–9 only) and
        ``closed_after_2021``.
    """
    rng = np.random.default_rng(_ROSTER_SEED)
    rows = []
    for position, municipality in enumerate(MUNICIPALITIES):
        counts = SCHOOLS_BY_MUNICIPALITY[municipality]
        closed = [c for m, c in CLOSED_AFTER_2021 if m == municipality]
        clusters = [
            cluster
            for cluster, count in zip(("КГ1", "КГ2", "КГ3", "КГ4"), counts, strict=True)
            for _ in range(count)
        ] + closed
        code = _municipality_code(position)
        city = municipality in CITY_DISTRICTS
        roots = list(rng.permutation(_VILLAGE_ROOTS))
        for number, cluster in enumerate(clusters, start=1):
            rows.append(
                _school(
                    rng,
                    code,
                    number,
                    municipality,
                    cluster,
                    city,
                    roots,
                    closed_after_2021=number > sum(counts),
                )
            )
    return pd.DataFrame(rows)


def _school(
    rng, code, number, municipality, cluster, city, roots, *, closed_after_2021
) -> dict:
    basic_only = cluster == "КГ4" and rng.random() < 0.45
    if cluster == "КГ1":
        school_type = _KG1_TYPES[number % 3]
        name = _TYPE_NAMES[school_type].format(n=number + 10 * (number % 4))
    else:
        school_type = "общеобразовательная"
        if city or (cluster == "КГ2" and municipality != "ГОУ"):
            name = f"Средняя школа № {number}"
        else:
            kind = "основная школа" if basic_only else "средняя школа"
            name = f"{roots[number % len(roots)]}ская {kind}"
    if municipality == "ГОУ":
        name = f"ГОУ ЯО «{name}»"
    else:
        name = f"МОУ «{name}»"
    if city:
        settlement = "город"
    elif cluster in ("КГ1", "КГ2"):
        settlement = "город" if rng.random() < 0.7 else "посёлок"
    else:
        settlement = "село" if rng.random() < 0.7 else "посёлок"
    return {
        "school_id": f"{code}-{number:03d}",
        "school_name": name,
        "municipality": municipality,
        "school_type": school_type,
        "settlement": settlement,
        "cluster": cluster,
        "basic_only": basic_only,
        "closed_after_2021": closed_after_2021,
    }
