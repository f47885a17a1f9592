// Both answers per period and postcode, the flows between postcodes and the web feeds' freshness, for /web/report (data-loaders/publish/web-report.ts).
import { writeWebReportJson } from "../../../data-loaders/publish/web-report.ts";

await writeWebReportJson();
