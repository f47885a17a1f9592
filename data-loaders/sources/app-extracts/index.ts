/**
 * The streaming app's internal extracts (streaming domain): users, movies and streams as CSV
 * full snapshots (contract.ts), each load replacing the three tables.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { StrataError } from "../../errors.ts";
import { domains, type Source } from "../source.ts";
import { ingestInternal, SOURCE } from "./ingest.ts";

export const appExtracts: Source = {
  id: SOURCE,
  domain: domains.streaming,
  title: "Streaming app extracts (users, movies, streams)",
  tables: [
    { name: "streams", rule: "full-replace", description: "one row per stream: who watched what, when, how much", order: "stream_id" },
    { name: "movies", rule: "full-replace", description: "one row per movie of the catalogue", order: "title" },
    { name: "users", rule: "full-replace", description: "one row per user", order: "email" },
  ],
  usage: "ingest internal <dir> [--allow-shrink]",
  dated: false,
  ingest: (args) => ingestInternal({ warehouse: args.warehouse, dir: args.location, waitMs: args.waitMs, allowShrink: args.allowShrink, log: args.log }),
  async ingestDataFolder({ warehouse, dataDir, waitMs }) {
    const internal = join(dataDir, "internal");
    if (!existsSync(internal)) throw new StrataError(`${dataDir}: no internal/ folder with users.csv, movies.csv, streams.csv`);
    const extract = await ingestInternal({ warehouse, dir: internal, waitMs });
    return extract.status === "loaded" ? [`loaded the internal extract into ${warehouse}`] : [];
  },
};
