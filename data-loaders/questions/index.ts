/** The Phase 2 questions: one .sql file each in this folder, run unchanged by the CLI and the site. */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Question = { id: string; number: number; file: string; sql: string; title: string };

const folder = fileURLToPath(new URL(".", import.meta.url));

/** Every question, in number order; `title` is the question line of the file's header comment. */
export function questions(): Question[] {
  return readdirSync(folder)
    .filter((f) => /^q\d+_.*\.sql$/.test(f))
    .sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)))
    .map((file) => {
      const sql = readFileSync(new URL(file, import.meta.url), "utf8");
      const title = /^--\s*Q\d+\.\s*(.*)$/m.exec(sql)?.[1] ?? file;
      return { id: file.replace(/\.sql$/, ""), number: parseInt(file.slice(1)), file, sql, title };
    });
}

/** The tables the questions read. */
export const questionTables = ["streams", "movies", "users", "authors_history", "books_history", "reviews_history"];
