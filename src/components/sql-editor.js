// A CodeMirror 6 SQL editor for one workbench cell: CodeMirror's basic setup (history,
// search, bracket matching, completion…), the SQL language with the warehouse schema for
// completion, Ctrl/Cmd+Enter to run, and DuckDB's error position marked in the text.
import {basicSetup, EditorView} from "codemirror";
import {closeCompletion} from "@codemirror/autocomplete";
import {Prec, StateEffect, StateField} from "@codemirror/state";
import {Decoration, keymap, placeholder} from "@codemirror/view";
import {PostgreSQL, sql} from "@codemirror/lang-sql";

// Completion icons: CodeMirror draws them as characters (ƒ, 𝑥, 🔑, □…) that many systems have no
// glyph for (an empty box). Plain letters in the page's own monospace font instead, as badges.
const ICONS = {
  type: "T", // tables (and SQL types)
  property: "c", // columns
  keyword: "k",
  function: "f",
  method: "f",
  variable: "v",
  constant: "a", // aliases
  namespace: "s",
  class: "C",
  interface: "I",
  enum: "E",
  text: "t"
};
const iconTheme = Object.fromEntries(
  Object.entries(ICONS).map(([type, letter]) => [`.cm-completionIcon-${type}:after`, {content: `"${letter}"`, fontSize: "inherit", verticalAlign: "baseline"}])
);

const theme = EditorView.theme({
  "&": {fontSize: "13px", backgroundColor: "var(--theme-background-alt, #fafafa)"},
  "&.cm-focused": {outline: "2px solid var(--theme-foreground-focus, #3b5fc0)"},
  ".cm-content": {fontFamily: "var(--monospace, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)"},
  ".cm-gutters": {backgroundColor: "transparent", border: "none", color: "var(--theme-foreground-faint, #999)"},
  ".cm-scroller": {maxHeight: "24rem", overflow: "auto"},
  ".cm-tooltip.cm-tooltip-autocomplete > ul": {fontFamily: "var(--monospace, ui-monospace, monospace)"},
  ".cm-completionIcon": {
    fontFamily: "var(--monospace, ui-monospace, monospace)",
    fontSize: "10px",
    lineHeight: "14px",
    width: "14px",
    height: "14px",
    padding: "0",
    marginRight: "6px",
    borderRadius: "3px",
    opacity: "1",
    textAlign: "center",
    verticalAlign: "1px",
    color: "#fff",
    backgroundColor: "#6b7280"
  },
  ".cm-completionIcon-type": {backgroundColor: "#3b5fc0"},
  ".cm-completionIcon-property": {backgroundColor: "#0a7a35"},
  ".cm-completionIcon-keyword": {backgroundColor: "#7c3aed"},
  ".cm-completionIcon-function, .cm-completionIcon-method": {backgroundColor: "#b45309"},
  ...iconTheme,
  ".cm-sql-error": {textDecoration: "underline wavy #c0392b", textDecorationSkipInk: "none", backgroundColor: "#fde2e2"},
  ".cm-sql-error-line": {backgroundColor: "#fdf0ee"}
});

// ---- DuckDB's error position, marked in the text until the next edit --------------------------
const setError = StateEffect.define();
const errorField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const effect of tr.effects) if (effect.is(setError)) return effect.value;
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field)
});

/**
 * Mark the error at character offset `position` (the token that starts there; the one before it
 * when the error is at the end of the text), with `message` as its tooltip; null clears the mark.
 */
export function markError(view, position, message = "") {
  if (position == null || !Number.isFinite(position)) {
    view.dispatch({effects: setError.of(Decoration.none)});
    return null;
  }
  const doc = view.state.doc;
  const text = doc.toString();
  let from = Math.max(0, Math.min(Math.trunc(position), text.length));
  // At the end of the text, or on blank space: the last token before it.
  if (from >= text.length || /\s/.test(text[from])) {
    let back = from;
    while (back > 0 && /\s/.test(text[back - 1])) back--;
    if (back > 0) {
      from = back - 1;
      while (from > 0 && /\w/.test(text[from]) && /\w/.test(text[from - 1])) from--;
    }
  }
  const word = /^(\w+|"(?:[^"]|"")*"|'(?:[^']|'')*'|\S)/.exec(text.slice(from));
  const to = Math.min(text.length, from + (word ? word[0].length : 0));
  if (to <= from) {
    view.dispatch({effects: setError.of(Decoration.none)});
    return null;
  }
  const line = doc.lineAt(from);
  const marks = Decoration.set([
    Decoration.line({class: "cm-sql-error-line"}).range(line.from),
    Decoration.mark({class: "cm-sql-error", attributes: {title: message, "data-error-position": String(position)}}).range(from, to)
  ]);
  view.dispatch({effects: setError.of(marks)});
  return {from, to, line: line.number};
}

/**
 * Create an editor in `parent`.
 * @param {{doc: string, schema: Record<string, string[]>, onRun: () => void, onChange: (doc: string) => void, onFocus: () => void}} options
 * @returns {EditorView}
 */
export function createSqlEditor(parent, {doc, schema, onRun, onChange, onFocus}) {
  const run = (view) => (closeCompletion(view), onRun(), true);
  return new EditorView({
    parent,
    doc,
    extensions: [
      basicSetup,
      placeholder("select … from streams"),
      // above basicSetup's Enter (new line) and Mod-Enter (insert blank line), and the completion
      // popup's keys: a run closes the popup
      Prec.highest(keymap.of([
        {key: "Mod-Enter", run, preventDefault: true},
        {key: "Shift-Enter", run, preventDefault: true}
      ])),
      sql({dialect: PostgreSQL, schema, upperCaseKeywords: false}),
      EditorView.lineWrapping,
      theme,
      errorField,
      EditorView.contentAttributes.of({"aria-label": "SQL", "data-sql-input": ""}),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
        if (update.focusChanged && update.view.hasFocus) onFocus();
      })
    ]
  });
}

export {closeCompletion};

/** Replace the selection of `view` with `text` and give it focus. */
export function insertAtCursor(view, text) {
  view.dispatch(view.state.replaceSelection(text), {scrollIntoView: true, userEvent: "input"});
  view.focus();
}

/** Replace the whole document (no-op when unchanged). */
export function setDoc(view, doc) {
  if (view.state.doc.toString() === doc) return;
  view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: doc}});
}
