// A CodeMirror 6 SQL editor for one workbench cell.
//
// The installed "codemirror" package is not CodeMirror 6's meta-package: version
// 6.65.7 on npm is a CodeMirror 5 build (lib/codemirror.js, no ESM, no basicSetup),
// and @codemirror/commands (history, default keymap) is not installed. So the editor is
// assembled from the CM6 packages that are (view, state, language, autocomplete,
// lang-sql), with the few commands an analyst expects written here: undo/redo,
// newline-and-indent, Tab, select all. Arrow keys, Backspace/Delete and the clipboard
// are the browser's contenteditable behaviour, which @codemirror/view reads back.
import {Annotation, EditorSelection, EditorState, StateField} from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder
} from "@codemirror/view";
import {bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting} from "@codemirror/language";
import {autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap} from "@codemirror/autocomplete";
import {PostgreSQL, sql} from "@codemirror/lang-sql";

const fromHistory = Annotation.define();
const GROUP_MS = 500;

/**
 * Minimal linear undo history: each entry holds the inverse of a group of changes (edits
 * less than GROUP_MS apart are grouped) and the selection before them.
 */
const history = StateField.define({
  create: () => ({done: [], undone: [], lastTime: 0}),
  update(value, tr) {
    const origin = tr.annotation(fromHistory);
    if (origin) return origin.next;
    if (!tr.docChanged) return value;
    const inverse = tr.changes.invert(tr.startState.doc);
    const now = Date.now();
    const done = value.done.slice();
    const last = done.at(-1);
    if (last && now - value.lastTime < GROUP_MS) {
      done[done.length - 1] = {changes: inverse.compose(last.changes), selection: last.selection};
    } else {
      done.push({changes: inverse, selection: tr.startState.selection});
      if (done.length > 200) done.shift();
    }
    return {done, undone: [], lastTime: now};
  }
});

function historyStep(view, from, to) {
  const value = view.state.field(history);
  const entry = value[from].at(-1);
  if (!entry) return false;
  const inverse = entry.changes.invert(view.state.doc);
  const next = {
    ...value,
    [from]: value[from].slice(0, -1),
    [to]: [...value[to], {changes: inverse, selection: view.state.selection}],
    lastTime: 0
  };
  view.dispatch({
    changes: entry.changes,
    selection: entry.selection,
    annotations: fromHistory.of({next}),
    scrollIntoView: true
  });
  return true;
}
const undo = (view) => historyStep(view, "done", "undone");
const redo = (view) => historyStep(view, "undone", "done");

function insertNewlineAndIndent(view) {
  const {state} = view;
  view.dispatch(
    state.changeByRange((range) => {
      const line = state.doc.lineAt(range.from);
      const indent = /^\s*/.exec(line.text)[0].slice(0, range.from - line.from);
      const insert = "\n" + indent;
      return {changes: {from: range.from, to: range.to, insert}, range: EditorSelection.cursor(range.from + insert.length)};
    }),
    {scrollIntoView: true, userEvent: "input"}
  );
  return true;
}

function insertTab(view) {
  view.dispatch(view.state.replaceSelection("  "), {userEvent: "input"});
  return true;
}

function selectAll(view) {
  view.dispatch({selection: {anchor: 0, head: view.state.doc.length}, userEvent: "select"});
  return true;
}

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
  const state = EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history,
      drawSelection(),
      EditorState.allowMultipleSelections.of(false),
      indentOnInput(),
      syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
      bracketMatching(),
      closeBrackets(),
      autocompletion(),
      highlightActiveLine(),
      placeholder("select … from streams"),
      keymap.of([
        {key: "Mod-Enter", run, preventDefault: true},
        {key: "Shift-Enter", run, preventDefault: true},
        ...closeBracketsKeymap,
        ...completionKeymap,
        {key: "Enter", run: insertNewlineAndIndent},
        {key: "Tab", run: insertTab},
        {key: "Mod-z", run: undo, preventDefault: true},
        {key: "Mod-y", run: redo, preventDefault: true},
        {key: "Mod-Shift-z", run: redo, preventDefault: true},
        {key: "Mod-a", run: selectAll}
      ]),
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
  return new EditorView({state, parent});
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
