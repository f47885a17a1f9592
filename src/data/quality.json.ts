// The load log and the quarantined records, for the data quality page; see data-loaders/site-sql/quality_*.sql.
import { writeSiteSqlJson } from "../../data-loaders/publish/site-sql.ts";

await writeSiteSqlJson({ loads: "quality_loads", quarantine: "quality_quarantine" }, { freshness: true });
