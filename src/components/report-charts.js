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
// resize() can report a near-zero width while the layout settles; below the margins Plot
// would draw negative widths (a console error), so charts never go narrower than this.
const MIN_WIDTH = 280;

export function streamsPerDay(rows, {width: w}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
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

export function streamsPerHour(rows, {width: w}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
  return Plot.plot({
    width,
    height: 260,
    marginLeft: 44,
    x: {label: "hour the session started (local time)", tickFormat: (h) => (h % 3 === 0 ? `${String(h).padStart(2, "0")}:00` : "")},
    y: {grid: true, label: "stream sessions"},
    marks: [
      Plot.barY(rows, {x: "hour", y: "streams", fill: "var(--theme-foreground-focus)", tip: true}),
      Plot.ruleY([0])
    ]
  });
}

/** Histogram of pre-binned rows {x0, x1, streams}; `marker` draws a labelled rule (e.g. the mean). */
export function histogram(rows, {width: w, xLabel, marker, markerLabel, height = 240}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
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

export function topMovies(rows, {width: w, top = 15}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
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

/** Two stacked 100 % bars, each under its own caption: streamed movies and stream sessions, by based-on-a-book. */
export function bookShare(rows, {width: w}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
  const figure = document.createElement("div");
  const labels = {movies: "Distinct streamed movies", sessions: "Stream sessions"};
  for (const measure of ["movies", "sessions"]) {
    const part = rows.filter((r) => r.measure === measure);
    const total = part.reduce((sum, r) => sum + r.n, 0);
    const data = part.map((r) => ({kind: r.based_on_book ? BOOK : NOT_BOOK, n: r.n, share: total ? r.n / total : 0}));
    const caption = document.createElement("div");
    caption.className = "small";
    caption.textContent = `${labels[measure] ?? measure} (${total.toLocaleString("en-US")})`;
    figure.append(caption, Plot.plot({
      width,
      height: measure === "movies" ? 56 : 80,
      marginTop: 4,
      marginBottom: measure === "movies" ? 4 : 28,
      marginLeft: 2,
      marginRight: 8,
      x: {percent: true, domain: [0, 100], axis: measure === "movies" ? null : "bottom", label: "share (%)"},
      color: {...bookColor, legend: false},
      marks: [
        Plot.barX(data, Plot.stackX({x: "share", fill: "kind", order: [BOOK, NOT_BOOK], tip: true,
          title: (d) => `${d.n} ${d.kind} (${(d.share * 100).toFixed(1)} %)`})),
        Plot.text(data.filter((d) => d.share >= 0.12), Plot.stackX({x: "share", order: [BOOK, NOT_BOOK],
          text: (d) => `${(d.share * 100).toFixed(1)} %`, fill: (d) => (d.kind === BOOK ? "white" : "black")}))
      ]
    }));
  }
  figure.prepend(Plot.legend({color: bookColor}));
  return figure;
}

/**
 * The Dec 25 outage (07:00–12:00, +01:00) as a shaded band, with every session of Unforgiven
 * around it, one row per viewer; sessions overlapping the window are highlighted (Q2 counts
 * their viewers).
 */
export function outageTimeline(rows, {width: w}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
  const start = new Date("2021-12-25T07:00:00Z");
  const end = new Date("2021-12-25T12:00:00Z");
  const data = rows.map((d) => ({...d, start: new Date(d.start), end: new Date(d.end),
    status: d.overlaps ? "overlaps the outage" : "outside the outage"}));
  const viewers = new Set(data.map((d) => d.viewer)).size;
  const narrow = width < 600;
  const domain = narrow ? [new Date("2021-12-25T00:00:00Z"), new Date("2021-12-25T20:00:00Z")]
    : [new Date("2021-12-24T12:00:00Z"), new Date("2021-12-26T06:00:00Z")];
  // Cut the bars at the axis' ends (Plot's clip still counts toward the page's scroll width).
  const shown = data
    .map((d) => ({...d, x1: new Date(Math.max(d.start, domain[0])), x2: new Date(Math.min(d.end, domain[1]))}))
    .filter((d) => d.x2 > d.x1);
  return Plot.plot({
    width,
    height: Math.max(160, viewers * 9 + 70),
    marginTop: 24,
    marginLeft: 40,
    x: {type: "utc", domain,
      label: null, grid: true, ticks: narrow ? 5 : 12,
      tickFormat: (d) => (d.getUTCHours() === 0 ? `Dec ${d.getUTCDate()}` : `${String(d.getUTCHours()).padStart(2, "0")}:00`)},
    y: {label: "viewer", axis: null},
    color: {domain: ["overlaps the outage", "outside the outage"], range: ["#d62728", "#aaa"], legend: true},
    marks: [
      Plot.rectX([{start, end}], {x1: "start", x2: "end", fill: "#d62728", fillOpacity: 0.12}),
      Plot.text([{start}], {x: "start", text: () => "outage 07:00–12:00", frameAnchor: "top", textAnchor: "start", dy: -14, fill: "#d62728"}),
      Plot.barX(shown, {x1: "x1", x2: "x2", y: "viewer", fill: "status", insetTop: 1, insetBottom: 1, tip: true,
        title: (d) => `viewer ${d.viewer}\n${fmt(d.start)} → ${fmt(d.end)}\n${d.status}`})
    ]
  });
}

const fmt = (d) => d.toISOString().slice(5, 16).replace("T", " ");
