// Every published table: columns, types and row counts, for the workbench's schema browser.
import { writeSchemaJson } from "../../data-loaders/publish/site-data.ts";

await writeSchemaJson();
