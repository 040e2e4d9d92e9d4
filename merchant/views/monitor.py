"""Monitor inside the Shopify admin (SPEC §9): render runs, a run in full, the
funnel from renders to revenue, and a CSV export."""

from __future__ import annotations

import csv
import itertools
import json
import uuid
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET

from merchant.responses import page
from renders.analytics import (
    CSV_HEADER,
    RUN_FILTER_STATUSES,
    RunFilters,
    funnel_by_product,
    funnel_by_variant,
    order_currency,
    render_run_detail,
    render_run_filter_choices,
    render_runs_csv_rows,
    render_runs_filtered,
)
from renders.selectors import render_run_state
from seeitnow.http import AppError, error_response, json_methods, json_ok, parse_uuid
from shops.auth import shop_admin_required

RUNS_PER_PAGE = 25


class RunFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "")] + [(s, s) for s in RUN_FILTER_STATUSES]
    )
    product = forms.RegexField(required=False, regex=r"^\d{1,20}$")
    version = forms.IntegerField(required=False, min_value=0)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> RunFilters:
        data = self.cleaned_data
        return RunFilters(
            status=data["status"],
            product_id=data["product"],
            prompt_version=data["version"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


def _run_id(value: str) -> uuid.UUID:
    return parse_uuid(
        value, code="run_not_found", message="Render run not found.", status=404
    )


@require_GET
@shop_admin_required
def monitor_page(request: HttpRequest) -> HttpResponse:
    """Runs with filters and pages, and the funnel per product and per variant."""
    shop = request.shop
    form = RunFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "choices": {}, "statuses": []}
        return page(
            request, "merchant/monitor.html", context, nav="monitor", status=400
        )
    filters = form.filters()
    runs = Paginator(render_runs_filtered(shop=shop, filters=filters), RUNS_PER_PAGE)
    runs_page = runs.get_page(form.cleaned_data["page"] or 1)
    rows = [
        (run, render_run_state(run=run, has_variants=run.succeeded > 0))
        for run in runs_page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = dict(
        form=form,
        filters=filters,
        choices=render_run_filter_choices(shop=shop),
        statuses=RUN_FILTER_STATUSES,
        page=runs_page,
        rows=rows,
        query=query.urlencode(),
        products=funnel_by_product(shop=shop, filters=filters),
        variants=funnel_by_variant(shop=shop, filters=filters),
        currency=order_currency(shop=shop),
    )
    return page(request, "merchant/monitor.html", context, nav="monitor")


@require_GET
@shop_admin_required
def run_page(request: HttpRequest, run_id: str) -> HttpResponse:
    """One run's eight variants, their prompts, and the snapshots it used."""
    try:
        run = render_run_detail(shop=request.shop, run_id=_run_id(run_id))
    except AppError:
        # Unknown, malformed or another shop's: a page that does not exist.
        return page(
            request,
            "merchant/missing.html",
            {
                "heading": "Run not found",
                "message": "This store has no render run with that id.",
                "back_url": "/app/monitor",
                "back_label": "Monitor",
            },
            nav="monitor",
            status=404,
        )
    context = dict(
        run=run,
        facts_json=json.dumps(run["resolved_facts"], indent=2, ensure_ascii=False),
        pack_json=json.dumps(run["prompt_pack"], indent=2, ensure_ascii=False),
    )
    return page(request, "merchant/run.html", context, nav="monitor")


@json_methods("GET")
@shop_admin_required
def run_api(request: HttpRequest, run_id: str) -> JsonResponse:
    """GET /api/monitor/run/{id} → the run as the Monitor shows it."""
    try:
        run = render_run_detail(shop=request.shop, run_id=_run_id(run_id))
    except AppError as exc:
        return error_response(exc)
    return json_ok(run)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # A spreadsheet would run a cell starting with these as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_GET
@shop_admin_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered runs as CSV, one row per variant."""
    form = RunFilterForm(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return error_response(AppError("invalid_filter", errors[0], 400, field=field))
    writer = csv.writer(_Echo())
    rows = render_runs_csv_rows(shop=request.shop, filters=form.filters())
    lines = (
        writer.writerow([_cell(v) for v in row])
        for row in itertools.chain([CSV_HEADER], rows)
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="see-it-now-runs.csv"'
    return response
