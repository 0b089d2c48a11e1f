"""The data contract: one dictionary of the fields a school reports each year.

Everything that needs to know the fields (the reader, the validation, the Excel
template, the docs) reads them from :data:`FIELDS`, so a field is added or
renamed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FIELDS",
    "GRADE_FIELDS",
    "NO",
    "SCHOOL_TYPES",
    "SETTLEMENTS",
    "YES",
    "Field",
    "by_name",
    "count_fields",
    "flag_fields",
    "header_aliases",
]

YES = "да"
NO = "нет"

SCHOOL_TYPES = ("лицей", "гимназия", "УИОП", "общеобразовательная")
SETTLEMENTS = ("город", "посёлок", "село")


@dataclass(frozen=True)
class Field:
    """One column of the yearly school submission.

    Parameters
    ----------
    name : str
        Canonical (English) column name used in code, CSV and parquet.
    header_ru : str
        The Russian header shown in the Excel template; the reader accepts it
        as well as `name`.
    kind : str
        ``"id"``, ``"text"``, ``"municipality"``, ``"school_type"``,
        ``"settlement"``, ``"count"`` (whole number of pupils, >= 0) or
        ``"flag"`` (да/нет).
    group : str
        Section of the contract: identity, pupils, graduates, conditions,
        participation, admissions or survey.
    description_ru : str
        What to enter, in Russian, for the template's explanation sheet.
    required : bool
        Whether a submission without this column is rejected.
    """

    name: str
    header_ru: str
    kind: str
    group: str
    description_ru: str
    required: bool = True


def _grade(number: int) -> Field:
    return Field(
        f"grade_{number}",
        f"Обучающихся в {number} кл.",
        "count",
        "pupils",
        f"Численность обучающихся {number}-х классов на конец учебного года.",
    )


GRADE_FIELDS = tuple(f"grade_{number}" for number in range(1, 12))

FIELDS: tuple[Field, ...] = (
    # identity
    Field(
        "school_id",
        "Код ОО",
        "id",
        "identity",
        "Уникальный код общеобразовательной организации; не меняется от года к году.",
    ),
    Field(
        "school_name", "Наименование ОО", "text", "identity", "Краткое наименование."
    ),
    Field(
        "municipality",
        "Муниципальное образование",
        "municipality",
        "identity",
        "Одно из 19 МО области или «ГОУ» для государственных ОО.",
    ),
    Field(
        "school_type",
        "Тип ОО",
        "school_type",
        "identity",
        "лицей, гимназия, УИОП (школа с углублённым изучением отдельных "
        "предметов) или общеобразовательная.",
    ),
    Field(
        "settlement",
        "Тип поселения",
        "settlement",
        "identity",
        "город, посёлок или село (необязательное поле).",
        required=False,
    ),
    # pupils
    *(_grade(number) for number in range(1, 12)),
    Field(
        "pupils_ovz",
        "Обучающихся с ОВЗ",
        "count",
        "pupils",
        "Численность обучающихся с ограниченными возможностями здоровья.",
    ),
    Field(
        "pupils_disabled",
        "Обучающихся с инвалидностью",
        "count",
        "pupils",
        "Численность обучающихся с инвалидностью.",
    ),
    # graduates
    Field(
        "graduates_9",
        "Выпускников 9 кл.",
        "count",
        "graduates",
        "Выпускники 9-х классов.",
    ),
    Field(
        "graduates_9_ovz",
        "Выпускников 9 кл. с ОВЗ и инвалидностью",
        "count",
        "graduates",
        "Выпускники 9-х классов с ОВЗ или инвалидностью.",
    ),
    Field(
        "graduates_11",
        "Выпускников 11 кл.",
        "count",
        "graduates",
        "Выпускники 11-х классов.",
    ),
    Field(
        "graduates_11_ovz",
        "Выпускников 11 кл. с ОВЗ и инвалидностью",
        "count",
        "graduates",
        "Выпускники 11-х классов с ОВЗ или инвалидностью.",
    ),
    # conditions
    Field(
        "has_career_regulations",
        "НПО профориентационной деятельности",
        "flag",
        "conditions",
        "да, если в ОО утверждено нормативно-правовое обеспечение "
        "профориентационной деятельности; иначе нет.",
    ),
    Field(
        "has_career_room",
        "Кабинет профориентации",
        "flag",
        "conditions",
        "да, если в ОО создан кабинет профориентации; иначе нет.",
    ),
    # participation
    Field(
        "bilet_6_11",
        "Участники «Билет в будущее», 6–11 кл.",
        "count",
        "participation",
        "Обучающиеся 6–11-х классов, принявшие участие в проекте «Билет в будущее».",
    ),
    Field(
        "proektoria_1_11",
        "Участники «ПроеКТОриЯ», 1–11 кл.",
        "count",
        "participation",
        "Обучающиеся 1–11-х классов, принявшие участие в открытых онлайн-уроках "
        "«ПроеКТОриЯ».",
    ),
    Field(
        "events_1_11",
        "Участники профориентационных мероприятий, 1–11 кл.",
        "count",
        "participation",
        "Обучающиеся 1–11-х классов, принявшие участие в профориентационных "
        "мероприятиях.",
    ),
    Field(
        "counselled_5_9",
        "Получили консультации, 5–9 кл.",
        "count",
        "participation",
        "Обучающиеся 5–9-х классов (в том числе с ОВЗ и инвалидностью), охваченные "
        "психолого-педагогической поддержкой и консультациями по профориентации.",
    ),
    Field(
        "trials_6_9",
        "Прошли профессиональные пробы, 6–9 кл.",
        "count",
        "participation",
        "Обучающиеся 6–9-х классов, прошедшие профессиональные пробы.",
    ),
    Field(
        "excursions_6_9",
        "Участники экскурсий, 6–9 кл.",
        "count",
        "participation",
        "Обучающиеся 6–9-х классов, ознакомленные в ходе экскурсий (в том числе "
        "виртуальных) с предприятиями и организациями области.",
    ),
    Field(
        "counselled_10_11",
        "Получили консультации, 10–11 кл.",
        "count",
        "participation",
        "Обучающиеся 10–11-х классов (в том числе с ОВЗ и инвалидностью), "
        "охваченные консультациями по профориентации.",
    ),
    Field(
        "excursions_10_11",
        "Участники экскурсий, 10–11 кл.",
        "count",
        "participation",
        "Обучающиеся 10–11-х классов, ознакомленные в ходе экскурсий с "
        "предприятиями и организациями области.",
    ),
    Field(
        "gia_advanced_11",
        "Выбрали для ГИА углублённые предметы, 11 кл.",
        "count",
        "participation",
        "Обучающиеся 11-х классов, выбравшие для ГИА предметы, изучавшиеся на "
        "углублённом уровне.",
    ),
    # admissions
    Field(
        "vuz_profile_11",
        "Поступили в ООВО по профилю, 11 кл.",
        "count",
        "admissions",
        "Выпускники 11-х классов, поступившие в ООВО в соответствии с выбранным "
        "профилем.",
    ),
    Field(
        "vuz_profile_region_11",
        "Поступили в ООВО региона по профилю, 11 кл.",
        "count",
        "admissions",
        "Из них поступившие в ООВО своего региона.",
    ),
    Field(
        "vuz_labour_market_11",
        "Поступили в ООВО по востребованным направлениям, 11 кл.",
        "count",
        "admissions",
        "Выпускники 11-х классов, поступившие в ООВО по направлениям, "
        "востребованным региональным рынком труда.",
    ),
    Field(
        "poo_region_9",
        "Поступили в ПОО региона, 9 кл.",
        "count",
        "admissions",
        "Выпускники 9-х классов, поступившие в ПОО своего региона.",
    ),
    Field(
        "poo_region_11",
        "Поступили в ПОО региона, 11 кл.",
        "count",
        "admissions",
        "Выпускники 11-х классов, поступившие в ПОО своего региона.",
    ),
    Field(
        "poo_top_region_9",
        "Поступили в ПОО по перечню «ТОП-Регион», 9 кл.",
        "count",
        "admissions",
        "Выпускники 9-х классов, поступившие в ПОО по профессиям и специальностям "
        "из перечня «ТОП-Регион».",
    ),
    Field(
        "poo_ovz_9",
        "Поступили в ПОО, 9 кл. с ОВЗ и инвалидностью",
        "count",
        "admissions",
        "Выпускники 9-х классов с ОВЗ или инвалидностью, поступившие в ПОО.",
    ),
    Field(
        "poo_ovz_11",
        "Поступили в ПОО, 11 кл. с ОВЗ и инвалидностью",
        "count",
        "admissions",
        "Выпускники 11-х классов с ОВЗ или инвалидностью, поступившие в ПОО.",
    ),
    # survey
    Field(
        "survey_respondents_9_11",
        "Участники анкетирования, 9 и 11 кл.",
        "count",
        "survey",
        "Обучающиеся 9-х и 11-х классов, ответившие на анкету удовлетворённости.",
    ),
    Field(
        "survey_satisfied_9_11",
        "Высокая удовлетворённость, 9 и 11 кл.",
        "count",
        "survey",
        "Из них показавшие высокий уровень удовлетворённости профориентационной "
        "работой.",
    ),
)

_BY_NAME = {field.name: field for field in FIELDS}


def by_name(name: str) -> Field:
    """Return the field called `name`.

    Parameters
    ----------
    name : str
        Canonical field name.

    Returns
    -------
    Field
        The contract entry.

    Raises
    ------
    KeyError
        If the contract has no such field; the message lists the known ones.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(_BY_NAME)
        raise KeyError(f"unknown field {name!r}; known fields: {known}") from None


def count_fields() -> tuple[str, ...]:
    """Return the names of all whole-number fields, in contract order."""
    return tuple(field.name for field in FIELDS if field.kind == "count")


def flag_fields() -> tuple[str, ...]:
    """Return the names of all да/нет fields, in contract order."""
    return tuple(field.name for field in FIELDS if field.kind == "flag")


def _fold_header(text: str) -> str:
    return " ".join(str(text).replace("ё", "е").replace("Ё", "Е").lower().split())


def header_aliases() -> dict[str, str]:
    """Map every accepted spelling of a column header to its canonical name.

    Both the canonical name and the Russian header are accepted, compared
    case-insensitively, with ё read as е and runs of spaces folded.

    Returns
    -------
    dict of str to str
        Folded header -> canonical field name.
    """
    aliases = {}
    for field in FIELDS:
        aliases[_fold_header(field.name)] = field.name
        aliases[_fold_header(field.header_ru)] = field.name
    return aliases


def fold_header(text: str) -> str:
    """Fold a header the way :func:`header_aliases` keys are folded."""
    return _fold_header(text)
