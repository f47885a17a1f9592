// The load log, the quarantined records and the records accepted with a warning, for the data
// quality page; see data-loaders/site-sql/quality_*.sql.
import { writeSiteSqlJson } from "../../data-loaders/publish/site-sql.ts";

await writeSiteSqlJson({ loads: "quality_loads", quarantine: "quality_quarantine", warnings: "quality_warnings" }, { freshness: true });
