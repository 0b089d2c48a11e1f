"""The ``profmon`` command: validate, build, indicators, template, synth, report.

Help and messages are in Russian: the people who run it prepare the region's
data. Exit codes: 0 success, 1 the data or a report has errors, 2 a usage
error (argparse's own, or a value the command cannot take).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from profmon import __version__
from profmon.cli_text import install as install_russian_argparse
from profmon.errors import DataError, ProfmonError

__all__ = ["main"]

log = logging.getLogger(__name__)

OK, DATA_ERRORS, USAGE = 0, 1, 2
BY_CHOICES = ("region", "cluster", "municipality", "municipality_cluster", "school")


class UsageError(ProfmonError):
    """A value on the command line that the command cannot take."""


def _parser() -> argparse.ArgumentParser:
    install_russian_argparse()
    parser = argparse.ArgumentParser(
        prog="profmon",
        description=(
            "Мониторинг системы работы по профессиональной ориентации "
            "обучающихся: проверка данных ОО, расчёт показателей, отчёты."
        ),
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="подробнее сообщать о ходе работы (-vv — отладочные сообщения)",
    )
    commands = parser.add_subparsers(dest="command", metavar="КОМАНДА")
    commands.required = True

    def data_and_year(sub):
        sub.add_argument(
            "--data",
            type=Path,
            default=Path("data"),
            metavar="ПАПКА",
            help="папка данных: raw/<год>/ — файлы ОО (по умолчанию ./data)",
        )
        sub.add_argument(
            "--year", type=int, required=True, metavar="ГОД", help="год мониторинга"
        )

    validate = commands.add_parser(
        "validate", help="проверить файлы ОО за год и вывести все замечания"
    )
    data_and_year(validate)
    validate.add_argument(
        "--csv",
        type=Path,
        metavar="ФАЙЛ",
        help="сохранить таблицу замечаний в CSV (UTF-8, открывается в Excel)",
    )

    build = commands.add_parser(
        "build", help="проверить данные и записать таблицы в processed/<год>/"
    )
    data_and_year(build)

    indicators = commands.add_parser(
        "indicators", help="рассчитать показатели по уровню группировки"
    )
    data_and_year(indicators)
    indicators.add_argument(
        "--by",
        choices=BY_CHOICES,
        default="region",
        help="уровень: region (регион), cluster (КГ), municipality (МО), "
        "municipality_cluster (МО × КГ), school (ОО)",
    )
    indicators.add_argument(
        "--format",
        choices=("csv", "table"),
        default="table",
        help="csv — машиночитаемо (значения в %% без округления); table — для чтения",
    )
    indicators.add_argument(
        "--out",
        type=Path,
        metavar="ФАЙЛ",
        help="записать в файл вместо вывода на экран",
    )

    template = commands.add_parser(
        "template", help="создать шаблон Excel для сбора данных ОО"
    )
    template.add_argument("--year", type=int, required=True, metavar="ГОД")
    template.add_argument("--out", type=Path, required=True, metavar="ФАЙЛ.xlsx")

    synth = commands.add_parser(
        "synth",
        help="записать учебный набор данных за 2021 и 2022 годы "
        "(воспроизводит опубликованные показатели)",
    )
    synth.add_argument(
        "--out",
        type=Path,
        default=Path("data"),
        metavar="ПАПКА",
        help="папка данных; файлы попадут в raw/<год>/",
    )

    report = commands.add_parser("report", help="сформировать HTML-отчёты за год")
    data_and_year(report)
    which = report.add_mutually_exclusive_group()
    which.add_argument(
        "--municipality",
        metavar="МО",
        help="отчёт одного муниципального образования (или ГОУ)",
    )
    which.add_argument(
        "--all",
        action="store_true",
        help="региональный отчёт, отчёты всех МО, оглавление, "
        "таблицы Excel (по умолчанию)",
    )
    report.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="ПАПКА",
        help="куда записать отчёты (по умолчанию ./reports)",
    )
    report.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="сколько отчётов готовить одновременно (по умолчанию — по числу ядер)",
    )
    report.add_argument(
        "--force",
        action="store_true",
        help="пересобрать всё, даже если исходные данные не менялись",
    )
    return parser


def _validate(args) -> int:
    from profmon.findings import format_findings, summarise_findings, write_findings_csv
    from profmon.validation import validate_year

    result = validate_year(args.data, args.year)
    if len(result.findings):
        print(format_findings(result.findings))
    else:
        print(summarise_findings(result.findings))
    if args.csv:
        write_findings_csv(result.findings, args.csv)
        print(f"Таблица замечаний: {args.csv}")
    return DATA_ERRORS if result.has_errors else OK


def _build(args) -> int:
    from profmon.build import build_year

    result = build_year(args.data, args.year)
    print(
        f"Год {result.year}: ОО — {result.schools}, предупреждений — "
        f"{result.warnings}. Таблицы записаны в {result.folder}"
    )
    return OK


def _indicators(args) -> int:
    from profmon.dataset import load_year
    from profmon.engine import compute_indicators
    from profmon.methodology import load_methodology
    from profmon.output import indicators_csv, indicators_text

    methodology = load_methodology(args.year)
    schools = load_year(args.data, args.year, methodology)
    table = compute_indicators(schools, methodology, by=args.by)
    if args.format == "csv":
        text = indicators_csv(table, by=args.by)
    else:
        text = indicators_text(table, methodology, by=args.by)
    if args.out:
        from profmon.atomic import write_text_atomic

        write_text_atomic(args.out, text)
        print(f"Показатели записаны в {args.out}")
    else:
        sys.stdout.write(text)
    return OK


def _template(args) -> int:
    from profmon.template import write_template

    path = write_template(args.out, args.year)
    print(f"Шаблон за {args.year} год: {path}")
    return OK


def _synth(args) -> int:
    from profmon.synth import write_sample

    written = write_sample(args.out)
    print(f"Учебные данные: {len(written)} файлов в {Path(args.out) / 'raw'}")
    return OK


def _report(args) -> int:
    from profmon.render import render_reports

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs: нужно целое число не меньше 1")
    summary = render_reports(
        args.data,
        args.year,
        municipality=args.municipality,
        all_=args.municipality is None,
        out_dir=args.out,
        jobs=args.jobs,
        force=args.force,
    )
    print(summary.describe())
    return summary.exit_code


_COMMANDS = {
    "validate": _validate,
    "build": _build,
    "indicators": _indicators,
    "template": _template,
    "synth": _synth,
    "report": _report,
}


def _configure_logging(verbosity: int) -> None:
    level = (
        logging.WARNING
        if verbosity == 0
        else (logging.INFO if verbosity == 1 else logging.DEBUG)
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 when the data (or a report) has errors, 2 on a usage
        error.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    _configure_logging(args.verbose)
    try:
        return _COMMANDS[args.command](args)
    except UsageError as err:
        print(f"profmon {args.command}: {err}", file=sys.stderr)
        return USAGE
    except DataError as err:
        print(f"Ошибка: {err}", file=sys.stderr)
        return DATA_ERRORS
    except ProfmonError as err:
        print(f"Ошибка: {err}", file=sys.stderr)
        return DATA_ERRORS
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        print(f"Ошибка файловой системы{where}: {err.strerror or err}", file=sys.stderr)
        return DATA_ERRORS
    except KeyboardInterrupt:
        print("Прервано.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
