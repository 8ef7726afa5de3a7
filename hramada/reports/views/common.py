import dataclasses

from django.http import HttpResponse
from django.utils.text import slugify

from .. import exports, geo
from ..charts import bar_chart


def page_context(report) -> dict:
    reach = geo.reach_by_settlement(report.scope, report.period, report.by_settlement)
    return {
        "report": report,
        "sections": [(t, bar_chart(t)) for t in report.tables],
        "reach": reach,  # the map's settlements; the table under it:
        "reach_table": geo.table(reach),
    }


def export_response(report, fmt: str, name: str) -> HttpResponse:
    filename = slugify(f"{name}-{report.period.label}") or "report"
    # The page's last table, under the map: reach by settlement.
    reach = geo.table(geo.reach_by_settlement(report.scope, report.period, report.by_settlement))
    report = dataclasses.replace(report, tables=[*report.tables, reach])
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(
        exports.to_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
