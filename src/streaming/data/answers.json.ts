// The six answers, their definitions, alternatives, SQL and the data's freshness, computed at build time.
import { writeAnswersJson } from "../../../data-loaders/publish/site-data.ts";

await writeAnswersJson();
