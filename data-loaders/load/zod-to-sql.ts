/**
 * Derives, from one zod schema, what DuckDB needs to read and check a whole file in SQL:
 * the `columns` struct for `read_json`/`read_csv` and one CASE expression that returns the first
 * reason a record breaks the schema (NULL when it is valid).
 *
 * Why: zod is the single definition of each format, but checking gigabytes record by record in
 * JavaScript is two orders of magnitude too slow. The schema is translated through zod's own
 * JSON Schema export, so the translation only depends on zod's public API.
 *
 * Scalars are read as VARCHAR and checked with TRY_CAST, so a wrong type in one record
 * quarantines that record instead of failing the whole file. Known leniency (documented in
 * docs/validation.md): a JSON string whose text is a valid number passes a number field, and a
 * missing key reads as null.
 */
import { z } from "zod";

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** from zod's `.meta({ severity: "warning" })`: breaking these rules does not make a record unusable */
  severity?: "warning";
};

/**
 * A rule as SQL: `bad` is true when a record breaks it. Checks on array items come twice: one
 * per rule for the reason (`detail`), and one lambda per array testing them all at once, for the
 * cheap test that lets valid records skip the reasons (`screen`).
 */
export type RecordCheck = { bad: string; reason: string; use?: "detail" | "screen"; severity?: "warning" };
export type SqlShape = {
  /** DuckDB type of every top-level field, e.g. {metadata: "STRUCT(name VARCHAR)"}. */
  columns: Record<string, string>;
  /**
   * Checks in the order a reader would meet them; the first failing error is the reason a record
   * is quarantined, the first failing warning (a field marked `.meta({ severity: "warning" })`,
   * one nothing downstream needs) is recorded while the record is accepted.
   */
  checks: RecordCheck[];
};

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Splits `anyOf: [X, {type: null}]` and `type: [X, "null"]` into (X, nullable). */
function unwrapNullable(schema: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  if (schema.anyOf) {
    const rest = schema.anyOf.filter((s) => s.type !== "null");
    if (rest.length === 1) return { inner: rest[0], nullable: rest.length < schema.anyOf.length };
    // A union of several non-null types is read as text and not checked further.
    return { inner: { type: "string" }, nullable: rest.length < schema.anyOf.length };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== "null");
    const nullable = types.length < schema.type.length;
    return { inner: { ...schema, type: types.length === 1 ? types[0] : "string" }, nullable };
  }
  return { inner: schema, nullable: false };
}

function walk(schema: JsonSchema, expr: string, path: string, out: RecordCheck[]): string {
  const { inner, nullable } = unwrapNullable(schema);
  // every rule under a field marked as a warning is a warning (array checks are re-pushed below, so they keep the mark)
  const checks = schema.severity === "warning" ? { push: (...c: RecordCheck[]) => out.push(...c.map((x) => ({ ...x, severity: "warning" as const }))) } : out;
  if (!nullable) checks.push({ bad: `${expr} IS NULL`, reason: `${path}: required` });
  switch (inner.type) {
    case "object": {
      const childChecks: RecordCheck[] = [];
      const fields = Object.entries(inner.properties ?? {})
        .filter(([, s]) => s.type !== "null") // always-null fields carry nothing to read
        .map(([name, s]) => `${ident(name)} ${walk(s, `${expr}.${ident(name)}`, `${path}.${name}`, childChecks)}`);
      // a null object that may be null has no fields to complain about
      for (const c of childChecks) checks.push(nullable ? { ...c, bad: `${expr} IS NOT NULL AND (${c.bad})` } : c);
      return `STRUCT(${fields.join(", ")})`;
    }
    case "array": {
      if (inner.minItems !== undefined) checks.push({ bad: `len(${expr}) < ${inner.minItems}`, reason: `${path}: fewer than ${inner.minItems} items` });
      if (inner.maxItems !== undefined) checks.push({ bad: `len(${expr}) > ${inner.maxItems}`, reason: `${path}: more than ${inner.maxItems} items` });
      const itemChecks: RecordCheck[] = [];
      const itemType = walk(inner.items ?? { type: "string" }, "item", `${path}[]`, itemChecks);
      const anyItem = (bad: string) => `list_bool_or(list_transform(${expr}, item -> coalesce(${bad}, false)))`;
      const itemRules = itemChecks.filter((c) => c.use !== "screen");
      for (const severity of [undefined, "warning" as const]) {
        const rules = itemRules.filter((c) => c.severity === severity);
        if (rules.length > 0) checks.push({ bad: anyItem(rules.map((c) => `(${c.bad})`).join(" OR ")), reason: `${path}[]`, use: "screen", severity });
      }
      for (const c of itemRules) checks.push({ bad: anyItem(c.bad), reason: c.reason, use: "detail", severity: c.severity });
      return `${itemType}[]`;
    }
    case "integer":
    case "number": {
      const n = `TRY_CAST(${expr} AS DOUBLE)`;
      // TRY_CAST('2.5' AS BIGINT) rounds instead of failing, so integers are checked as doubles
      const notNumber = inner.type === "integer" ? `(${n} IS NULL OR ${n} <> floor(${n}))` : `${n} IS NULL`;
      checks.push({ bad: `${expr} IS NOT NULL AND ${notNumber}`, reason: `${path}: expected ${inner.type === "integer" ? "an integer" : "a number"}` });
      if (inner.minimum !== undefined) checks.push({ bad: `${n} < ${inner.minimum}`, reason: `${path}: below ${inner.minimum}` });
      if (inner.exclusiveMinimum !== undefined) checks.push({ bad: `${n} <= ${inner.exclusiveMinimum}`, reason: `${path}: not above ${inner.exclusiveMinimum}` });
      if (inner.maximum !== undefined) checks.push({ bad: `${n} > ${inner.maximum}`, reason: `${path}: above ${inner.maximum}` });
      if (inner.exclusiveMaximum !== undefined) checks.push({ bad: `${n} >= ${inner.exclusiveMaximum}`, reason: `${path}: not below ${inner.exclusiveMaximum}` });
      return "VARCHAR";
    }
    case "boolean":
      checks.push({ bad: `${expr} IS NOT NULL AND TRY_CAST(${expr} AS BOOLEAN) IS NULL`, reason: `${path}: expected a boolean` });
      return "VARCHAR";
    default: {
      // strings, and anything zod exports without a single type, are read as text
      if (inner.minLength !== undefined) checks.push({ bad: `length(${expr}) < ${inner.minLength}`, reason: `${path}: shorter than ${inner.minLength}` });
      if (inner.maxLength !== undefined) checks.push({ bad: `length(${expr}) > ${inner.maxLength}`, reason: `${path}: longer than ${inner.maxLength}` });
      if (inner.pattern !== undefined) checks.push({ bad: `NOT regexp_full_match(${expr}, ${sqlString(inner.pattern)})`, reason: `${path}: does not match ${inner.pattern}` });
      const allowed = inner.enum ?? (inner.const !== undefined ? [inner.const] : undefined);
      if (allowed) checks.push({ bad: `${expr} NOT IN (${allowed.map((v) => sqlString(String(v))).join(", ")})`, reason: `${path}: not one of ${allowed.join("|")}` });
      return "VARCHAR";
    }
  }
}

/** Translates an object schema; costs one walk of the schema, nothing per record. */
export function sqlShapeOf(schema: z.ZodObject): SqlShape {
  const json = z.toJSONSchema(schema, { unrepresentable: "throw" }) as JsonSchema;
  const columns: Record<string, string> = {};
  const checks: RecordCheck[] = [];
  for (const [name, field] of Object.entries(json.properties ?? {})) {
    if (field.type === "null") continue;
    columns[name] = walk(field, ident(name), name, checks);
  }
  return { columns, checks };
}

/** `read_json(..., columns = {...})` argument for a shape. */
export function columnsArgument(shape: SqlShape): string {
  return `{${Object.entries(shape.columns).map(([k, t]) => `${sqlString(k)}: ${sqlString(t)}`).join(", ")}}`;
}

/**
 * A CASE expression giving the first broken error rule of a record, or NULL. Valid records
 * (nearly all) pay for one screening test; only the others walk the rules one by one for their reason.
 */
export function reasonExpression(shape: SqlShape): string {
  return firstBroken(shape.checks.filter((c) => c.severity !== "warning"));
}

/** The same for the warning rules: the first one a record breaks, or NULL. */
export function warningExpression(shape: SqlShape): string {
  return firstBroken(shape.checks.filter((c) => c.severity === "warning"));
}

function firstBroken(checks: RecordCheck[]): string {
  const screen = checks.filter((c) => c.use !== "detail").map((c) => `(${c.bad})`);
  const detail = checks.filter((c) => c.use !== "screen");
  if (detail.length === 0) return "NULL::VARCHAR";
  const reasons = `CASE ${detail.map((c) => `WHEN ${c.bad} THEN ${sqlString(c.reason)}`).join(" ")} ELSE NULL END`;
  return `CASE WHEN ${screen.join(" OR ")} THEN ${reasons} END`;
}
