// A CodeMirror 6 SQL editor for one workbench cell: CodeMirror's basic setup (history,
// search, bracket matching, completion…), the SQL language with the warehouse schema for
// completion, and Ctrl/Cmd+Enter to run.
import {basicSetup, EditorView} from "codemirror";
import {Prec} from "@codemirror/state";
import {keymap, placeholder} from "@codemirror/view";
import {PostgreSQL, sql} from "@codemirror/lang-sql";

const theme = EditorView.theme({
  "&": {fontSize: "13px", backgroundColor: "var(--theme-background-alt, #fafafa)"},
  "&.cm-focused": {outline: "2px solid var(--theme-foreground-focus, #3b5fc0)"},
  ".cm-content": {fontFamily: "var(--monospace, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)"},
  ".cm-gutters": {backgroundColor: "transparent", border: "none", color: "var(--theme-foreground-faint, #999)"},
  ".cm-scroller": {maxHeight: "24rem", overflow: "auto"}
});

/**
 * Create an editor in `parent`.
 * @param {{doc: string, schema: Record<string, string[]>, onRun: () => void, onChange: (doc: string) => void, onFocus: () => void}} options
 * @returns {EditorView}
 */
export function createSqlEditor(parent, {doc, schema, onRun, onChange, onFocus}) {
  const run = () => (onRun(), true);
  return new EditorView({
    parent,
    doc,
    extensions: [
      basicSetup,
      placeholder("select … from streams"),
      // above basicSetup's Enter (new line) and Mod-Enter (insert blank line)
      Prec.highest(keymap.of([
        {key: "Mod-Enter", run, preventDefault: true},
        {key: "Shift-Enter", run, preventDefault: true}
      ])),
      sql({dialect: PostgreSQL, schema, upperCaseKeywords: false}),
      EditorView.lineWrapping,
      theme,
      EditorView.contentAttributes.of({"aria-label": "SQL", "data-sql-input": ""}),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
        if (update.focusChanged && update.view.hasFocus) onFocus();
      })
    ]
  });
}

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
