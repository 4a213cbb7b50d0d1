// Collocated with app/weather.py: forecasts as plain objects, as a fetch() of JSON would give them.
const SUMMARIES = ["Freezing", "Bracing", "Chilly", "Cool", "Mild", "Warm", "Balmy", "Hot", "Sweltering", "Scorching"];

export async function getForecasts(days) {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: days }, (_, i) => {
    const temperatureC = ((i * 37) % 75) - 20;
    return {
      date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      temperatureC,
      summary: SUMMARIES[(i * 7) % SUMMARIES.length],
    };
  });
}
