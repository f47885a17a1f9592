/**
 * The CLI's arguments, declared per verb and checked before any work starts. A command line that
 * does not fit its verb (an unknown option, an option without its value, an argument missing or
 * one too many) is a UsageError: one line, then the verb's usage, exit 2. A value that does not
 * hold (a date that is not one, a scale below zero) is refused by the option's own `check` with a
 * StrataError: one line, exit 1.
 */
import { parseArgs } from "node:util";
import { StrataError } from "../errors.ts";

/** A command line that does not fit the verb; `verb` picks the usage printed after the line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly verb?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type OptionSpec = {
  type: "string" | "boolean";
  short?: string;
  /** the value's placeholder in usage lines, e.g. DIR */
  value?: string;
  /** shown in the usage line without brackets */
  required?: boolean;
  /** one line for `--help` */
  help: string;
  /** refuses a bad value (throws a StrataError naming `flag` and the value), before anything runs */
  check?: (value: string, flag: string) => void;
};

export type PositionalSpec = { name: string; optional?: boolean };

export type Options = Record<string, OptionSpec>;
export type Values<O extends Options> = { [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean };
export type Parsed<O extends Options = Options> = { positionals: string[]; values: Values<O> };

export type VerbSpec<O extends Options = Options> = {
  /** what the verb does, one line for `--help` */
  summary: string;
  positionals: PositionalSpec[];
  options: O;
  /** pairs of options that cannot be given together (shown as [--a|--b]) */
  exclusive?: [keyof O & string, keyof O & string][];
  /** usage lines after `strata `, when they are not the one made from the spec (ingest: one per source) */
  usage?: () => string[];
  /** checks between arguments (throw a UsageError or StrataError), after each one has passed its own */
  validate?: (parsed: Parsed<O>) => void;
};

/** The usage line of `verb` made from its spec (positionals, then required, then optional options). */
export function usageLine(verb: string, spec: VerbSpec, hidden: string[] = []): string {
  const shown = Object.entries(spec.options).filter(([name]) => !hidden.includes(name));
  const flag = ([name, o]: [string, OptionSpec]) => `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
  const paired = new Set((spec.exclusive ?? []).flat());
  const parts = [verb, ...spec.positionals.map((p) => (p.optional ? `[${p.name}]` : p.name))];
  parts.push(...shown.filter(([, o]) => o.required).map(flag));
  for (const entry of shown.filter(([, o]) => !o.required)) {
    const pair = spec.exclusive?.find((p) => p[0] === entry[0]);
    if (pair) parts.push(`[${pair.map((name) => flag([name, spec.options[name]])).join("|")}]`);
    else if (!paired.has(entry[0])) parts.push(`[${flag(entry)}]`);
  }
  return parts.join(" ");
}

/**
 * Parses `argv` (the verb already taken out) against `spec`. Node's parseArgs reads the tokens
 * (its strict mode would throw for `--scale -5`, a value that looks like an option, and its errors
 * run over several lines); the checks are ours, so each failure is one line naming the argument.
 */
export function parseVerbArgs<O extends Options>(verb: string, spec: VerbSpec<O>, argv: string[]): Parsed<O> {
  const config = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  // `strata <verb> --help` answers whatever else the line holds
  if (spec.options.help && tokens.some((t) => t.kind === "option" && t.name === "help")) return { positionals: [], values: { help: true } } as unknown as Parsed<O>;
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const option = spec.options[token.name];
    if (!option) throw new UsageError(`${verb}: unknown option ${token.rawName}`, verb);
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${verb}: ${token.rawName} takes no value`, verb);
      values[token.name] = true;
    } else {
      // `--date --json`: the next option is not the value, a forgotten one is
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith("--"))) {
        throw new UsageError(`${verb}: ${token.rawName} needs a value (${option.value ?? "VALUE"})`, verb);
      }
      values[token.name] = token.value;
    }
  }
  const required = spec.positionals.filter((p) => !p.optional);
  if (positionals.length < required.length) throw new UsageError(`${verb}: missing ${required[positionals.length].name}`, verb);
  if (positionals.length > spec.positionals.length) throw new UsageError(`${verb}: unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}`, verb);
  for (const [a, b] of spec.exclusive ?? []) {
    if (values[a] !== undefined && values[b] !== undefined) throw new UsageError(`${verb}: --${a} and --${b} cannot be used together`, verb);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && values[name] === undefined) throw new UsageError(`${verb}: --${name} ${o.value ?? "VALUE"} is required`, verb);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const value = values[name];
    if (typeof value === "string") o.check?.(value, `--${name}`);
  }
  const parsed = { positionals, values } as Parsed<O>;
  spec.validate?.(parsed);
  return parsed;
}

/** A number > 0 (a scale). */
export function positive(value: string, flag: string): void {
  if (!(Number(value) > 0) || value.trim() === "") throw new StrataError(`${flag} ${value}: expected a number > 0`);
}

/** A number ≥ 0 (seconds to wait). */
export function nonNegative(value: string, flag: string): void {
  if (!(Number(value) >= 0) || value.trim() === "") throw new StrataError(`${flag} ${value}: expected a number ≥ 0`);
}

/** A whole number in [min, max]. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) => (value: string, flag: string): void => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new StrataError(`${flag} ${value}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}`);
  }
};
