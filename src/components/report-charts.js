// The report's charts: each takes the aggregates from data/report.json (computed at build time
// by data-loaders/site-sql/report_*.sql) and {width}, and returns a Plot figure.
//
// Times are wall-clock (+01:00) values; the loaders write them as ISO strings with a "Z" and
// Plot's time scales are UTC, so the axes show the data's own local time whatever the
// reader's time zone.
import * as Plot from "@observablehq/plot";

const BOOK = "based on a book";
const NOT_BOOK = "not based on a book";
const bookColor = {domain: [BOOK, NOT_BOOK], range: ["var(--theme-foreground-focus)", "#bbb"], legend: true};
const day = (s) => new Date(`${s}T00:00:00Z`);

export function streamsPerDay(rows, {width}) {
  const data = rows.map((d) => ({...d, date: day(d.day)}));
  return Plot.plot({
    width,
    height: 260,
    marginLeft: 44,
    x: {type: "utc", label: "day (local time)", interval: "day"},
    y: {grid: true, label: "stream sessions"},
    marks: [
      Plot.rectY(data, {x: "date", y: "streams", interval: "day", inset: 1, fill: "var(--theme-foreground-focus)",
        tip: {format: {x: (d) => d.toISOString().slice(0, 10)}}, title: (d) => `${d.day}\n${d.streams} sessions, ${d.users} users`}),
      Plot.ruleY([0])
    ]
  });
}

export function streamsPerHour(rows, {width}) {
  return Plot.plot({
    width,
    height: 260,
    marginLeft: 44,
    x: {label: "hour the session started (local time)", tickFormat: (h) => `${String(h).padStart(2, "0")}h`, ticks: 12},
    y: {grid: true, label: "stream sessions"},
    marks: [
      Plot.barY(rows, {x: "hour", y: "streams", fill: "var(--theme-foreground-focus)", tip: true}),
      Plot.ruleY([0])
    ]
  });
}

/** Histogram of pre-binned rows {x0, x1, streams}; `marker` draws a labelled rule (e.g. the mean). */
export function histogram(rows, {width, xLabel, marker, markerLabel, height = 240}) {
  return Plot.plot({
    width,
    height,
    marginLeft: 44,
    x: {label: xLabel},
    y: {grid: true, label: "stream sessions"},
    marks: [
      Plot.rectY(rows, {x1: "x0", x2: "x1", y: "streams", inset: 0.5, fill: "#9ab", tip: true}),
      Plot.ruleY([0]),
      marker == null ? null : Plot.ruleX([marker], {stroke: "var(--theme-foreground-focus)", strokeWidth: 2}),
      marker == null ? null : Plot.text([marker], {x: (d) => d, frameAnchor: "top", dy: -2, dx: 4, textAnchor: "start",
        text: () => markerLabel, fill: "var(--theme-foreground-focus)", fontWeight: "bold"})
    ]
  });
}

export function topMovies(rows, {width, top = 15}) {
  const data = rows.slice(0, top).map((d) => ({...d, kind: d.based_on_book ? BOOK : NOT_BOOK}));
  const narrow = width < 520;
  return Plot.plot({
    width,
    height: 22 * data.length + 60,
    marginLeft: narrow ? 130 : 240,
    x: {grid: true, label: "stream sessions", axis: "top"},
    y: {label: null, tickFormat: (t) => (t.length > (narrow ? 18 : 34) ? `${t.slice(0, narrow ? 17 : 33)}…` : t)},
    color: bookColor,
    marks: [
      Plot.barX(data, {y: "title", x: "streams", fill: "kind", sort: {y: "-x"}, tip: true,
        title: (d) => `${d.title}\n${d.streams} sessions by ${d.users} users\n${d.kind}`}),
      Plot.text(data, {y: "title", x: "streams", text: "streams", dx: -4, textAnchor: "end", fill: "white"}),
      Plot.ruleX([0])
    ]
  });
}

/** Two stacked 100 % bars: streamed movies and stream sessions, by based-on-a-book. */
export function bookShare(rows, {width}) {
  const totals = new Map();
  for (const r of rows) totals.set(r.measure, (totals.get(r.measure) ?? 0) + r.n);
  const label = {movies: "distinct streamed movies", sessions: "stream sessions"};
  const data = rows.map((r) => ({
    measure: label[r.measure] ?? r.measure,
    kind: r.based_on_book ? BOOK : NOT_BOOK,
    n: r.n,
    share: r.n / totals.get(r.measure)
  }));
  return Plot.plot({
    width,
    height: 150,
    marginLeft: width < 520 ? 12 : 170,
    marginTop: 40,
    x: {percent: true, label: "share (%)", domain: [0, 100]},
    y: {label: null, axis: width < 520 ? null : "left"},
    color: bookColor,
    marks: [
      Plot.barX(data, Plot.stackX({y: "measure", x: "share", fill: "kind", order: [BOOK, NOT_BOOK], tip: true,
        title: (d) => `${d.measure}: ${d.n} ${d.kind} (${(d.share * 100).toFixed(1)} %)`})),
      Plot.text(data, Plot.stackX({y: "measure", x: "share", order: [BOOK, NOT_BOOK],
        text: (d) => `${(d.share * 100).toFixed(1)} %`, fill: (d) => (d.kind === BOOK ? "white" : "black")})),
      width < 520 ? Plot.text(data.filter((d) => d.kind === BOOK), {y: "measure", x: 0, text: "measure", dy: -14, textAnchor: "start", frameAnchor: "left"}) : null
    ]
  });
}

/**
 * The Dec 25 outage (07:00–12:00, +01:00) as a shaded band, with every session of Unforgiven
 * around it, one row per viewer; sessions overlapping the window are highlighted (Q2 counts
 * their viewers).
 */
export function outageTimeline(rows, {width}) {
  const start = new Date("2021-12-25T07:00:00Z");
  const end = new Date("2021-12-25T12:00:00Z");
  const data = rows.map((d) => ({...d, start: new Date(d.start), end: new Date(d.end),
    status: d.overlaps ? "overlaps the outage" : "outside the outage"}));
  const viewers = new Set(data.map((d) => d.viewer)).size;
  return Plot.plot({
    width,
    height: Math.max(160, viewers * 9 + 70),
    marginLeft: 40,
    x: {type: "utc", domain: [new Date("2021-12-24T12:00:00Z"), new Date("2021-12-26T06:00:00Z")],
      label: "time, Dec 24–26 (local, +01:00)", grid: true},
    y: {label: "viewer", axis: null},
    color: {domain: ["overlaps the outage", "outside the outage"], range: ["#d62728", "#aaa"], legend: true},
    marks: [
      Plot.rectX([{start, end}], {x1: "start", x2: "end", fill: "#d62728", fillOpacity: 0.12}),
      Plot.text([{start}], {x: "start", text: () => "outage 07:00–12:00", frameAnchor: "top", textAnchor: "start", dx: 3, dy: 4, fill: "#d62728"}),
      Plot.barX(data, {x1: "start", x2: "end", y: "viewer", fill: "status", insetTop: 1, insetBottom: 1, clip: true, tip: true,
        title: (d) => `viewer ${d.viewer}\n${fmt(d.start)} → ${fmt(d.end)}\n${d.status}`})
    ]
  });
}

const fmt = (d) => d.toISOString().slice(5, 16).replace("T", " ");
