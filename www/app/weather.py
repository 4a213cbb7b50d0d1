"""The /weather page: a table of dataclasses fetched through interop (camelCase JSON -> fields)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from jsinterop import JSObjectReference
from jsinterop.components import Component, h, page


@dataclasses.dataclass
class WeatherForecast:
    """One row; ``temperatureC`` from JavaScript fills ``temperature_c``."""

    date: dt.date
    temperature_c: int
    summary: str

    @property
    def temperature_f(self) -> int:
        return 32 + int(self.temperature_c / 0.5556)


@page("/weather")
class Weather(Component):
    """Blazor's Weather page: loads after the first render, shows "Loading..." until then."""

    def on_initialized(self) -> None:
        self.forecasts: list[WeatherForecast] | None = None
        self.module: JSObjectReference | None = None

    async def on_initialized_async(self) -> None:
        self.module = await self.import_js()
        self.forecasts = await self.module.invoke_async("getForecasts", 5, returns=list[WeatherForecast])

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def render(self):
        if self.forecasts is None:
            return h.div(h.h1("Weather"), h.p(h.em("Loading...")))
        return h.div(
            h.h1("Weather"),
            h.table(
                h.thead(h.tr(h.th("Date"), h.th("Temp. (C)"), h.th("Temp. (F)"), h.th("Summary"))),
                h.tbody([h.tr(h.td(f.date.isoformat()), h.td(f.temperature_c), h.td(f.temperature_f), h.td(f.summary),
                              key=f.date.isoformat()) for f in self.forecasts]),
                id="forecasts",
            ),
        )
