// The Phase 2 SQL files, as the workbench preloads them.
import { writeQuestionsJson } from "../../data-loaders/publish/site-data.ts";

writeQuestionsJson();
