/**
 * `strata`: the command line over the ETL library. Expected failures (bad input, refused
 * dumps, a held lock) print one line `strata: <reason>` and exit 1; usage errors exit 2.
 */
import { parseArgs } from "node:util";
import { StrataError } from "./errors.ts";
import { sourceById, sources } from "./sources/index.ts";
import { warehouseDir } from "./warehouse/paths.ts";

const usage = () => `usage (add --verbose for progress on stderr):
${sources.map((s) => `  strata ${s.usage} [--warehouse DIR] [--wait SECONDS]`).join("\n")}
  strata answers [--json] [--all] [--warehouse DIR]
  strata generate <out-dir> --scale N --nights K [--seed S] [--internal-scale M]
  strata check [--warehouse DIR]   (the data tests in data-loaders/checks; exit 1 on a violation)
  strata query "<SQL>"|- [--json|--csv] [--warehouse DIR]   (one read-only SELECT over the published tables; - reads it from stdin)
  strata status [--warehouse DIR]
  strata build [--warehouse DIR]   (ETL from the configured data, then the site into dist/)`;

class UsageError extends Error {}

// Progress goes to stderr only when asked for: on failure, stderr is the one error line.
let verbose = false;
const log = (line: string) => {
  if (verbose) process.stderr.write(`${line}\n`);
};

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: "string" },
      warehouse: { type: "string" },
      wait: { type: "string" },
      json: { type: "boolean" },
      csv: { type: "boolean" },
      all: { type: "boolean" },
      scale: { type: "string" },
      nights: { type: "string" },
      "internal-scale": { type: "string" },
      seed: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
      "allow-mass-deletion": { type: "boolean" },
      "allow-shrink": { type: "boolean" },
    },
  });
  const [verb, ...rest] = positionals;
  verbose = values.verbose ?? false;
  if (values.help || !verb) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const warehouse = warehouseDir(values.warehouse);
  const waitMs = values.wait ? Number(values.wait) * 1000 : 0;
  switch (verb) {
    case "ingest": {
      const [id, location] = rest;
      const source = sourceById(id ?? "");
      if (!source) throw new UsageError(`ingest: unknown source ${id ?? "(none)"} (${sources.map((s) => s.id).join(" or ")})`);
      if (!location) throw new UsageError(`ingest ${id}: missing <dir>`);
      if (source.dated && !values.date) throw new UsageError(`ingest ${id}: --date YYYY-MM-DD is required`);
      // each override belongs to a load rule: said, rather than ignored, for a source without it
      const rules = new Set(source.tables.map((t) => t.rule));
      if (values["allow-mass-deletion"] && !rules.has("snapshot-history")) throw new UsageError(`ingest ${id}: --allow-mass-deletion is for sources kept as histories`);
      if (values["allow-shrink"] && !rules.has("full-replace")) throw new UsageError(`ingest ${id}: --allow-shrink is for sources whose tables each delivery replaces`);
      const report = await source.ingest({
        warehouse, location, date: values.date, waitMs, allowMassDeletion: values["allow-mass-deletion"], allowShrink: values["allow-shrink"], log,
      });
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    case "answers": {
      const { computeAnswers, formatAnswers } = await import("./questions/answers.ts");
      const answers = await computeAnswers(warehouse);
      process.stdout.write(values.json ? `${JSON.stringify(values.all ? answers : answers.primary)}\n` : formatAnswers(answers));
      return;
    }
    case "generate": {
      const [out] = rest;
      if (!out) throw new UsageError("generate: missing <out-dir>");
      const scale = Number(values.scale ?? "1");
      const nights = Number(values.nights ?? "1");
      if (!(scale > 0) || !Number.isInteger(nights) || nights < 1) throw new UsageError("generate: --scale must be > 0 and --nights a whole number ≥ 1");
      const { generate } = await import("./generate/index.ts");
      const internalScale = values["internal-scale"] === undefined ? undefined : Number(values["internal-scale"]);
      const summary = await generate({ outDir: out, scale, nights, internalScale, seed: values.seed === undefined ? 1 : Number(values.seed) });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    case "check": {
      const { runChecks } = await import("./checks/index.ts");
      const results = await runChecks(warehouse);
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      const failed = results.filter((r) => r.violations > 0);
      if (failed.length > 0) throw new StrataError(failed.map((r) => `${r.check}: ${r.violations} rows`).join("; "));
      return;
    }
    case "query": {
      const [sqlArg, ...extra] = rest;
      if (sqlArg === undefined || extra.length > 0) throw new UsageError("query: expected one SQL argument (quote it), or - to read the SQL from stdin");
      if (values.json && values.csv) throw new UsageError("query: --json and --csv cannot be used together");
      const sql = sqlArg === "-" ? await readStdin() : sqlArg;
      const { queryWarehouse } = await import("./query.ts");
      const { formatCsv, formatJson, formatTable } = await import("./format-result.ts");
      const result = await queryWarehouse(warehouse, sql);
      // `strata query … | head` closes the pipe early: that is not a failure
      process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") process.exit(0);
        throw error;
      });
      process.stdout.write(values.json ? formatJson(result) : values.csv ? formatCsv(result) : formatTable(result));
      return;
    }
    case "status": {
      const { readManifest } = await import("./warehouse/manifest.ts");
      const m = readManifest(warehouse);
      const deliveries = Object.fromEntries(Object.entries(m.sources).map(([id, s]) => [id, s.deliveries.map((d) => d.key)]));
      // vendorNights and internalExtract: the fields this printed before sources were modules
      const status = {
        warehouse, version: m.version, publishedAt: m.publishedAt, deliveries,
        vendorNights: deliveries.vendor ?? [], internalExtract: m.sources.internal?.deliveries.at(-1)?.loadedAt ?? null, tables: Object.keys(m.tables),
      };
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return;
    }
    case "build": {
      const { buildAll } = await import("./build.ts");
      await buildAll({ warehouse: values.warehouse ? warehouse : undefined, log: (line) => process.stderr.write(`${line}\n`) });
      return;
    }
    default:
      throw new UsageError(`unknown command ${verb}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StrataError) {
    process.stderr.write(`strata: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof UsageError || (error as NodeJS.ErrnoException)?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    process.stderr.write(`strata: ${(error as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
  throw error;
});
