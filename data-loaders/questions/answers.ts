/** Runs every question over the warehouse: the primary answer and each alternative definition. */
import type { Db } from "../db.ts";
import { StrataError } from "../errors.ts";
import { openWarehouse } from "../warehouse/open.ts";
import { questionTables, questions } from "./index.ts";

export type Variant = { variant: string; is_primary: boolean; definition: string; value: number | null };
export type QuestionResult = { id: string; title: string; value: number | null; definition: string; variants: Variant[] };
export type Answers = {
  /** question id → primary answer: the object `strata answers --json` prints */
  primary: Record<string, number | null>;
  questions: QuestionResult[];
};

/** Runs one question's SQL and checks it names exactly one primary definition. */
export async function runQuestion(db: Db, id: string, title: string, sql: string): Promise<QuestionResult> {
  const variants = (await db.all<Variant>(sql)).map((v) => ({ ...v, value: v.value === null ? null : Number(v.value) }));
  const primary = variants.filter((v) => v.is_primary);
  if (primary.length !== 1) throw new StrataError(`${id}.sql: expected exactly one primary row, got ${primary.length}`);
  return { id, title, value: primary[0].value, definition: primary[0].definition, variants };
}

export async function computeAnswers(warehouse: string): Promise<Answers> {
  const { db } = await openWarehouse(warehouse, questionTables);
  try {
    const results: QuestionResult[] = [];
    for (const q of questions()) results.push(await runQuestion(db, q.id, q.title, q.sql));
    return { primary: Object.fromEntries(results.map((r) => [r.id, r.value])), questions: results };
  } finally {
    db.close();
  }
}

/**
 * The answers as text: each question's title, its primary answer and that answer's definition;
 * with `all`, every other definition under it.
 */
export function formatAnswers(answers: Answers, { all = false } = {}): string {
  const others = (q: QuestionResult) => (all ? q.variants.filter((v) => !v.is_primary).map((v) => `    ${v.variant}: ${v.value}  (${v.definition})`) : []);
  const text = answers.questions.map((q) => [`${q.title}\n  ${q.value}  (${q.definition})`, ...others(q)].join("\n")).join("\n\n");
  return `${text}\n${all ? "" : "\n(--all: every definition of each question)\n"}`;
}
