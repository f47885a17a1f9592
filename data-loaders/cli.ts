/**
 * `strata`: the command line over the ETL library. Each verb declares its arguments
 * (cli/args.ts), and every argument is checked before any work starts. Exit codes: 0 done;
 * 1 one line `strata: <what>: <reason>` (bad input, a refused delivery, a held lock, no warehouse
 * where one is read); 2 a command line that does not fit (one line, then the verb's usage);
 * 130 or 143 interrupted by SIGINT or SIGTERM (one line: the warehouse as it was, or published).
 */
import { type Options, nonNegative, type Parsed, parseVerbArgs, positive, UsageError, usageLine, type VerbSpec, wholeNumber } from "./cli/args.ts";
import { Progress } from "./cli/progress.ts";
import { exitIfInterrupted, signalsDelivered, stopOnSignals } from "./cli/signals.ts";
import { generateSummary, ingestSummary, rollbackSummary, versionsSummary } from "./cli/summaries.ts";
import { assertDeliveryDate } from "./delivery-date.ts";
import { checkThrough } from "./sources/web-analytics/ingest-web.ts";
import { StrataError } from "./errors.ts";
import { batchSources, sourceById, sources } from "./sources/index.ts";
import type { Source } from "./sources/source.ts";
import { assertPublished } from "./warehouse/manifest.ts";
import { warehouseDir } from "./warehouse/paths.ts";

// Progress lines go to stderr only when asked for (--verbose): on failure, stderr is the one
// error line. On a terminal, long work shows one status line instead, erased when it ends.
let verbose = false;
let progress: Progress | null = null;
const log = (line: string) => {
  if (verbose) process.stderr.write(`${line}\n`);
  else progress?.update(line);
};
const warn = (line: string) => {
  progress?.clear();
  process.stderr.write(`strata: warning: ${line}\n`);
};
/** A verb's output: the work is done, so the status line goes first. */
const print = (text: string) => {
  progress?.stop();
  process.stdout.write(text);
};

type Verb<O extends Options> = VerbSpec<O> & {
  /** reads the published warehouse: a --warehouse holding none is refused before anything runs */
  reads?: boolean;
  /** writes the warehouse: SIGINT and SIGTERM stop it cleanly (cli/signals.ts) */
  writes?: boolean;
  /** long work: what the status line on a terminal calls it (cli/progress.ts) */
  progress?: (parsed: Parsed<O>) => string;
  run(args: Parsed<O> & { warehouse: string }): Promise<void>;
};
const verb = <O extends Options>(v: Verb<O>) => v as unknown as Verb<Options>;

const always = {
  verbose: { type: "boolean", short: "v", help: "progress lines on stderr" },
  help: { type: "boolean", short: "h", help: "this help" },
} as const satisfies Options;
const warehouse = {
  warehouse: { type: "string", value: "DIR", help: "the warehouse folder (default: $STRATA_WAREHOUSE, else ./warehouse)" },
} as const satisfies Options;
const wait = {
  wait: { type: "string", value: "SECONDS", help: "wait up to this long for another run on the warehouse to end (default: refuse at once)", check: nonNegative },
} as const satisfies Options;
const isoDay = (value: string, flag: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!d || d.getUTCFullYear() !== +m![1] || d.getUTCMonth() !== +m![2] - 1 || d.getUTCDate() !== +m![3]) throw new StrataError(`${flag} ${value}: expected a date YYYY-MM-DD`);
};
const oneOf = (...choices: string[]) => (value: string, flag: string) => {
  if (!choices.includes(value)) throw new StrataError(`${flag} ${value}: expected ${choices.join(" or ")}`);
};
const seconds = (value: string | undefined) => (value === undefined ? 0 : Number(value) * 1000);

/** Options of `ingest` that only some sources take (`takenBy`). */
const sourceOptions = {
  date: { type: "string", value: "YYYY-MM-DD", help: "the delivery's date (UTC), for dated sources; not after tomorrow", check: (v) => assertDeliveryDate(v) },
  hour: { type: "string", value: "YYYY-MM-DDTHH", help: "the delivered hour (UTC), for hourly sources: its views are those of [HH:00, HH+1:00), plus late ones" },
  through: {
    type: "string", value: "YYYY-MM-DDTHH",
    help: "ingest web: the last hour expected (UTC; default the hour before the current one); hours missing up to it are reported",
    check: (v, flag) => checkThrough(v, flag),
  },
  "allow-mass-deletion": { type: "boolean", help: "accept a delivery the mass-deletion breaker of a history refuses" },
  "allow-shrink": { type: "boolean", help: "accept a delivery that empties or shrinks a table it replaces whole" },
} as const satisfies Options;
// Each belongs to dated deliveries or to a load rule: said, rather than ignored, for a source without it.
const takenBy: Record<keyof typeof sourceOptions, [(source: Source) => boolean, string]> = {
  date: [(s) => s.dated, "is for sources whose deliveries are dated"],
  hour: [(s) => s.hourly === true, "is for sources whose deliveries are hourly"],
  through: [(s) => s.batch === true, "is for ingest web (every pending delivery at a location)"],
  "allow-mass-deletion": [(s) => s.tables.some((t) => t.rule === "snapshot-history"), "is for sources kept as histories"],
  "allow-shrink": [(s) => s.tables.some((t) => t.rule === "full-replace"), "is for sources whose tables each delivery replaces"],
};
const ingestCommon = { json: { type: "boolean", help: "the whole report as JSON (default: a summary)" }, ...warehouse, ...wait } as const satisfies Options;

const verbs: Record<string, Verb<Options>> = {
  ingest: verb({
    summary: "Loads one delivery of a source into the warehouse and publishes the new version (atomic; on failure the warehouse stays as it was). ingest web loads every web delivery the warehouse lacks, in arrival order, each published on its own.",
    positionals: [{ name: "<source>" }, { name: "<dir|file>" }],
    options: { ...sourceOptions, ...ingestCommon, ...always },
    writes: true,
    progress: ({ positionals: [id], values }) => `ingest ${id}${values.date ? ` ${values.date}` : ""}${values.hour ? ` ${values.hour}` : ""}${values.through ? ` through ${values.through}` : ""}`,
    usage: () => [...sources, ...batchSources].map((s) => `${s.usage} ${usageLine("", { positionals: [], options: ingestCommon, summary: "" }).trim()}`),
    validate({ positionals: [id], values }) {
      const source = sourceById(id);
      if (!source) throw new UsageError(`ingest: unknown source ${id} (${[...sources, ...batchSources].map((s) => s.id).join(" or ")})`, "ingest");
      if (source.dated && values.date === undefined) throw new UsageError(`ingest ${id}: --date YYYY-MM-DD is required`, "ingest");
      if (source.hourly && values.hour === undefined) throw new UsageError(`ingest ${id}: --hour YYYY-MM-DDTHH is required`, "ingest");
      for (const [name, [takes, why]] of Object.entries(takenBy)) {
        if (values[name as keyof typeof sourceOptions] !== undefined && !takes(source)) throw new UsageError(`ingest ${id}: --${name} ${why}`, "ingest");
      }
    },
    async run({ positionals: [id, location], values, warehouse }) {
      const source = sourceById(id)!;
      const report = await source.ingest({
        warehouse, location, date: values.date, hour: values.hour, through: values.through, waitMs: seconds(values.wait),
        allowMassDeletion: values["allow-mass-deletion"], allowShrink: values["allow-shrink"], log, warn,
      });
      print(values.json ? `${JSON.stringify(report)}\n` : ingestSummary(source.id, report));
    },
  }),
  answers: verb({
    summary: "The six questions' answers over the published warehouse: each question's primary answer, or with --all every definition.",
    positionals: [],
    options: { all: { type: "boolean", help: "every definition of each question, not only the primary one" }, json: { type: "boolean", help: "JSON: question id → primary answer (with --all: every question and variant)" }, ...warehouse, ...always },
    reads: true,
    async run({ values, warehouse }) {
      const { computeAnswers, formatAnswers } = await import("./questions/answers.ts");
      const answers = await computeAnswers(warehouse);
      print(values.json ? `${JSON.stringify(values.all ? answers : answers.primary)}\n` : formatAnswers(answers, { all: values.all === true }));
    },
  }),
  generate: verb({
    summary: "Writes a deterministic synthetic data set: K nights of vendor dumps, the internal extracts, optionally the web analytics feeds, and generation.json (what changed each night).",
    positionals: [{ name: "<out-dir>" }],
    options: {
      scale: { type: "string", value: "N", help: "size: 1 ≈ the real data, 4215 ≈ 1 GB nights (default 1)", check: positive },
      nights: { type: "string", value: "K", help: "consecutive nights, from 2022-03-01 (default 1)", check: wholeNumber(1, 366) },
      seed: { type: "string", value: "S", help: "the seed: the same options write the same bytes (default 1)", check: wholeNumber(0, 2 ** 32 - 1) },
      "internal-scale": { type: "string", value: "M", help: "size of the internal extracts (default: --scale)", check: positive },
      "web-days": { type: "string", value: "K", help: "days of web analytics feeds under web/: a users extract and 24 hourly page-view deliveries a day (default 0: none)", check: wholeNumber(0, 366) },
      "web-users": { type: "string", value: "N", help: "web users on the first day (default 2000)", check: wholeNumber(1, 100_000_000) },
      "web-views-per-day": { type: "string", value: "M", help: "page views on an average weekday (default 20000)", check: wholeNumber(0, 2_000_000_000) },
      "web-start": { type: "string", value: "YYYY-MM-DD", help: "the web feeds' first day (default 2022-03-01)", check: isoDay },
      "web-format": { type: "string", value: "csv|parquet", help: "the web files' format (default csv)", check: oneOf("csv", "parquet") },
      "web-missing-hours": { type: "string", value: "N", help: "hours whose page-view delivery never arrives (default 0)", check: wholeNumber(0) },
      "web-bad-rows": { type: "string", value: "N", help: "malformed page-view records across the deliveries (default 0)", check: wholeNumber(0, 1_000_000) },
      "web-only": { type: "boolean", help: "only the web feeds: no vendor nights nor internal extracts (for benchmarks)" },
      force: { type: "boolean", help: "replace <out-dir> if it holds an earlier generated data set (default: refuse a folder that is not empty)" },
      json: { type: "boolean", help: "the whole summary as JSON, with every night's changes (default: a few lines)" },
      ...always,
    },
    validate({ values }) {
      const webDays = Number(values["web-days"] ?? 0);
      const web = ["web-users", "web-views-per-day", "web-start", "web-format", "web-missing-hours", "web-bad-rows", "web-only"] as const;
      const given = web.find((flag) => values[flag] !== undefined);
      if (webDays === 0 && given) throw new UsageError(`generate: --${given} needs --web-days K (K ≥ 1)`, "generate");
      if (values["web-only"]) {
        const vendorFlag = (["scale", "nights", "internal-scale"] as const).find((flag) => values[flag] !== undefined);
        if (vendorFlag) throw new UsageError(`generate: --${vendorFlag} is for the vendor and internal data, which --web-only skips`, "generate");
      }
      if (Number(values["web-missing-hours"] ?? 0) >= webDays * 24 && values["web-missing-hours"] !== undefined) {
        throw new UsageError(`generate: --web-missing-hours must be below the ${webDays * 24} hours of --web-days ${webDays}`, "generate");
      }
    },
    progress: ({ positionals: [out] }) => `generate ${out}`,
    async run({ positionals: [out], values }) {
      const { prepareOutDir } = await import("./generate/out-dir.ts");
      prepareOutDir(out, { force: values.force });
      const { generate } = await import("./generate/index.ts");
      const internalScale = values["internal-scale"] === undefined ? undefined : Number(values["internal-scale"]);
      const onProgress = (file: string, bytes: number) => progress?.update(`${file}: ${Math.round(bytes / 1e6)} MB`);
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const webDays = Number(values["web-days"] ?? 0);
      const web = webDays === 0 ? undefined : {
        days: webDays, users: num(values["web-users"]), viewsPerDay: num(values["web-views-per-day"]), startDate: values["web-start"] ?? "2022-03-01",
        format: values["web-format"] as "csv" | "parquet" | undefined, missingHours: num(values["web-missing-hours"]), badRows: num(values["web-bad-rows"]),
      };
      const webOnly = values["web-only"] === true;
      const summary = await generate({
        outDir: out, scale: Number(values.scale ?? 1), nights: Number(values.nights ?? 1), internalScale, seed: Number(values.seed ?? 1), onProgress,
        web, vendor: !webOnly, internal: !webOnly,
      });
      print(values.json ? `${JSON.stringify(summary)}\n` : generateSummary(summary));
    },
  }),
  check: verb({
    summary: "Runs the data tests of data-loaders/checks over the published warehouse; exit 1 on a violation.",
    positionals: [],
    options: { ...warehouse, ...always },
    reads: true,
    async run({ warehouse }) {
      const { runChecks } = await import("./checks/index.ts");
      const results = await runChecks(warehouse);
      print(`${JSON.stringify(results, null, 2)}\n`);
      const failed = results.filter((r) => r.violations > 0);
      if (failed.length > 0) throw new StrataError(failed.map((r) => `${r.check}: ${r.violations} rows`).join("; "));
    },
  }),
  query: verb({
    summary: "One read-only SELECT over the published tables (a text table, JSON or CSV); - reads the SQL from stdin.",
    positionals: [{ name: '"<SQL>"|-' }],
    options: { json: { type: "boolean", help: "rows as a JSON array of objects" }, csv: { type: "boolean", help: "rows as CSV with a header" }, ...warehouse, ...always },
    exclusive: [["json", "csv"]],
    reads: true,
    async run({ positionals: [sqlArg], values, warehouse }) {
      const sql = sqlArg === "-" ? await readStdin() : sqlArg;
      const { queryWarehouse } = await import("./query.ts");
      const { formatCsv, formatJson, formatTable } = await import("./format-result.ts");
      const result = await queryWarehouse(warehouse, sql);
      // `strata query … | head` closes the pipe early: that is not a failure
      process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") process.exit(0);
        throw error;
      });
      print(values.json ? formatJson(result) : values.csv ? formatCsv(result) : formatTable(result));
    },
  }),
  status: verb({
    summary: "The published version: when, its tables and every source's deliveries (JSON).",
    positionals: [],
    options: { ...warehouse, ...always },
    reads: true,
    async run({ warehouse }) {
      const { readManifest } = await import("./warehouse/manifest.ts");
      const { webFreshness } = await import("./sources/web-analytics/freshness.ts");
      const m = readManifest(warehouse);
      const deliveries = Object.fromEntries(Object.entries(m.sources).map(([id, s]) => [id, s.deliveries.map((d) => d.key)]));
      // vendorNights and internalExtract: the fields this printed before sources were modules
      const status = {
        warehouse, version: m.version, publishedAt: m.publishedAt, deliveries,
        vendorNights: deliveries.vendor ?? [], internalExtract: m.sources.internal?.deliveries.at(-1)?.loadedAt ?? null, tables: Object.keys(m.tables),
        // the web feeds' freshness: last users extract, hours loaded and missing
        ...(m.sources.users || m.sources.pageviews ? { web: webFreshness(m) } : {}),
      };
      print(`${JSON.stringify(status, null, 2)}\n`);
    },
  }),
  versions: verb({
    summary: "The published versions still kept (STRATA_KEEP_VERSIONS, default 7): when each was published, what it loaded or rolled back, which is current.",
    positionals: [],
    options: { json: { type: "boolean", help: "the list as JSON" }, ...warehouse, ...always },
    reads: true,
    async run({ values, warehouse }) {
      const { listVersions } = await import("./warehouse/version-list.ts");
      const list = listVersions(warehouse);
      print(values.json ? `${JSON.stringify({ warehouse, ...list })}\n` : versionsSummary(warehouse, list));
    },
  }),
  rollback: verb({
    summary: "Makes a kept version's content current again, as a new version (history is never rewritten); atomic, under the warehouse's lock.",
    positionals: [],
    options: {
      "to-version": { type: "string", value: "N", required: true, help: "the version whose tables and deliveries become current (strata versions lists them)", check: wholeNumber(1) },
      json: { type: "boolean", help: "the report as JSON" },
      ...warehouse,
      ...wait,
      ...always,
    },
    reads: true,
    writes: true,
    async run({ values, warehouse }) {
      const { rollback } = await import("./load/rollback.ts");
      const report = await rollback({ warehouse, toVersion: Number(values["to-version"]), waitMs: seconds(values.wait) });
      print(values.json ? `${JSON.stringify(report)}\n` : rollbackSummary(report));
    },
  }),
  build: verb({
    summary: "What npm run build runs: the ETL from the configured data (STRATA_DATA, else the demo data), then the site into dist/.",
    positionals: [],
    options: { ...warehouse, ...always },
    writes: true,
    async run({ values, warehouse }) {
      const { buildAll } = await import("./build.ts");
      await buildAll({ warehouse: values.warehouse ? warehouse : undefined, log: (line) => process.stderr.write(`${line}\n`) });
    },
  }),
};

const usageLines = (name: string) => verbs[name].usage?.() ?? [usageLine(name, verbs[name], Object.keys(always))];

function usage(): string {
  const lines = Object.keys(verbs).flatMap(usageLines);
  return ["usage (strata <command> --help for its options; --verbose for progress on stderr):", ...lines.map((l) => `  strata ${l}`)].join("\n");
}

function verbUsage(name: string): string {
  return [...usageLines(name).map((l, i) => `${i === 0 ? "usage:" : "      "} strata ${l}`), `(strata ${name} --help for its options)`].join("\n");
}

function verbHelp(name: string): string {
  const spec = verbs[name];
  const flags = Object.entries(spec.options).map(([flag, o]) => [`--${flag}${o.type === "string" ? ` ${o.value}` : ""}${o.short ? `, -${o.short}` : ""}`, o.help]);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [verbUsage(name).split("\n").slice(0, -1).join("\n"), "", spec.summary, "", "options:", ...flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`)].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const at = verbIndex(argv);
  const name = at === -1 ? undefined : argv[at];
  const rest = argv.filter((_, i) => i !== at);
  if (name === undefined) {
    const other = rest.find((arg) => !["--help", "-h", "--verbose", "-v"].includes(arg));
    if (other !== undefined) throw new UsageError(`unknown option ${other}`);
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const spec = verbs[name];
  if (!spec) throw new UsageError(`unknown command ${name}`);
  const parsed = parseVerbArgs(name, spec, rest);
  if (parsed.values.help) {
    process.stdout.write(`${verbHelp(name)}\n`);
    return;
  }
  verbose = parsed.values.verbose === true;
  const dir = warehouseDir(parsed.values.warehouse as string | undefined);
  if (spec.reads) assertPublished(dir);
  if (spec.writes) stopOnSignals(() => progress?.stop());
  if (spec.progress) progress = Progress.start(spec.progress(parsed), { verbose });
  try {
    await spec.run({ ...parsed, warehouse: dir });
  } finally {
    progress?.stop();
  }
  if (spec.writes) await signalsDelivered();
}

/** Where the verb is: the first argument that is neither an option nor an option's value (`strata --warehouse DIR status`). */
function verbIndex(argv: string[]): number {
  const takesValue = new Set(Object.values(verbs).flatMap((v) => Object.entries(v.options).filter(([, o]) => o.type === "string").map(([flag]) => `--${flag}`)));
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("-")) return i;
    if (takesValue.has(argv[i])) i++;
  }
  return -1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

main(process.argv.slice(2)).then(exitIfInterrupted, (error: unknown) => {
  exitIfInterrupted(); // the run's own failure is the interruption's doing
  if (error instanceof StrataError) {
    process.stderr.write(`strata: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof UsageError) {
    process.stderr.write(`strata: ${error.message}\n${error.verb ? verbUsage(error.verb) : usage()}\n`);
    process.exit(2);
  }
  throw error;
});
