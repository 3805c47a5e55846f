// linktrack's dashboard: charts from the JSON beside each canvas, the viewer's time zone, and
// the newest events kept current. Every table works without this script.
"use strict";

(function timeZone() {
  // First visit: the browser's offset becomes the dashboard's (a cookie the server reads).
  if (document.cookie.split("; ").some((c) => c.startsWith("linktrack_tz="))) return;
  const offset = -new Date().getTimezoneOffset();
  document.cookie = "linktrack_tz=" + offset + "; path=/ui; SameSite=Strict";
  const shown = Number(document.body.dataset.tz || "0");
  const url = new URL(window.location.href);
  if (offset !== shown && !url.searchParams.has("tz") && document.body.dataset.tz !== undefined) {
    url.searchParams.set("tz", String(offset));
    window.location.replace(url.toString());
  }
})();

function drawCharts() {
  if (typeof Chart === "undefined") return;
  Chart.defaults.color = "#1f2933";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    const horizontal = data.kind === "hbar";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: s.color,
          borderColor: s.color,
          borderWidth: 0,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: {
          x: { stacked: true, grid: { display: horizontal }, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { display: !horizontal, position: "bottom" } },
      },
    });
  }
}

function followNewest() {
  const table = document.getElementById("live");
  if (!table) return;
  const body = table.querySelector("tbody");
  const status = document.getElementById("live-status");
  let after = table.dataset.after;
  let seen = 0;
  async function poll() {
    if (document.hidden) return;
    try {
      const r = await fetch("/ui/live?after=" + encodeURIComponent(after) + "&tz=" +
                            encodeURIComponent(document.body.dataset.tz || "0"),
                            { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.status === 401) { status.textContent = "Signed out: reload to sign in again."; return; }
      if (!r.ok) { status.textContent = "Could not read new events (" + r.status + ")."; return; }
      const page = await r.json();
      if (page.count > 0) {
        body.insertAdjacentHTML("afterbegin", page.rows);
        while (body.rows.length > 20) body.deleteRow(body.rows.length - 1);
        seen += page.count;
        status.textContent = seen + " new since this page loaded; the newest 20 shown.";
      }
      after = page.after;
      table.dataset.after = after;
    } catch (e) {
      status.textContent = "Could not read new events: " + e.message;
    }
  }
  window.setInterval(poll, 5000);
}

function customDates() {
  const range = document.getElementById("range");
  if (!range) return;
  const dates = range.form.querySelectorAll("input[type=date]");
  const sync = () => dates.forEach((d) => { d.disabled = range.value !== "custom"; });
  range.addEventListener("change", sync);
  sync();
}

drawCharts();
followNewest();
customDates();
