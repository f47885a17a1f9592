// A few lines of SQL syntax highlighting (comments, strings, numbers, keywords) for read-only
// listings; the workbench has CodeMirror, which the report does not need to load.
import {h} from "./dom.js";

const KEYWORDS = new Set(`select from where group by order having limit with as and or not in is null distinct
union all join left right inner outer full on using case when then else end cast count sum avg min max
median quantile_cont round filter over partition any_value true false between like asc desc exclude
replace date timestamp interval values insert create table view drop if exists least greatest
coalesce date_diff strftime range`.split(/\s+/));

const TOKEN = /(--[^\n]*)|('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|([\s\S])/g;

/** A <pre><code class="sql"> with <span class="sql-…"> tokens. */
export function sqlBlock(sql) {
  const code = h("code", {class: "language-sql"});
  let plain = "";
  const flush = () => plain && (code.append(plain), (plain = ""));
  for (const [, comment, string, quoted, number, word, other] of sql.trimEnd().matchAll(TOKEN)) {
    const cls = comment ? "comment" : string ? "string" : number ? "number"
      : word && KEYWORDS.has(word.toLowerCase()) ? "keyword" : null;
    const text = comment ?? string ?? quoted ?? number ?? word ?? other;
    if (cls) flush(), code.append(h("span", {class: `sql-${cls}`}, text));
    else plain += text;
  }
  flush();
  return h("pre", {class: "sql-listing"}, code);
}
