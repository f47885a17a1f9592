// The workbench's notebooks: a shareable URL fragment for one notebook, and this browser's list
// of saved notebooks in localStorage.
//
// The fragment is `#nb=` + base64url(deflate-raw(JSON {v: 1, cells, name?})), so a link never
// reaches the server (fragments aren't sent) and six Phase 2 queries fit in about 2 KB of URL.
// A link is someone else's input: decodeNotebook() bounds what it reads (size, cells, name) and
// says why it refuses a link, and the workbench opens a link's notebook beside the saved ones,
// never over them.

const PREFIX = "nb=";
/** The list of saved notebooks: {v: 2, current: id, notebooks: [{id, name, cells, updated}]}. */
export const STORAGE_KEY = "strata.workbench.notebooks.v2";
/** The single notebook of earlier versions ({v: 1, cells}), moved into the list on first load. */
export const LEGACY_STORAGE_KEY = "strata.workbench.v1";

/** What a link may hold: more than any notebook typed by hand, far less than would hurt the page. */
export const LIMITS = {fragmentChars: 400_000, jsonBytes: 2_000_000, cells: 200, nameChars: 80};

/** @param {string[]} cells @param {string} [name] @returns {Promise<string>} the fragment, without "#" */
export async function encodeNotebook(cells, name) {
  const json = new TextEncoder().encode(JSON.stringify(name ? {v: 1, cells, name} : {v: 1, cells}));
  const deflated = await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
  return PREFIX + toBase64Url(new Uint8Array(deflated));
}

/** Whether location.hash holds a notebook link (whether or not it can be read). */
export const isNotebookHash = (hash) => hash.replace(/^#/, "").startsWith(PREFIX);

/**
 * Reads a notebook link.
 * @param {string} hash location.hash (with or without "#")
 * @returns {Promise<{cells: string[], name: string | null} | {error: string} | null>} null when the
 *   fragment is not a notebook link at all; {error} when it is one that cannot be read.
 */
export async function readNotebookLink(hash) {
  const fragment = hash.replace(/^#/, "");
  if (!fragment.startsWith(PREFIX)) return null;
  const payload = fragment.slice(PREFIX.length);
  if (!payload) return {error: "the link holds no notebook (nothing after #nb=)"};
  if (payload.length > LIMITS.fragmentChars) return {error: `the link is too long (${payload.length.toLocaleString("en-US")} characters)`};
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return {error: "the link is damaged (characters that base64url does not use: was it cut or re-typed?)"};
  let bytes;
  try {
    bytes = fromBase64Url(payload);
  } catch {
    return {error: "the link is damaged (not base64url)"};
  }
  let text;
  try {
    text = await inflateBounded(bytes, LIMITS.jsonBytes);
  } catch (e) {
    return {error: e?.tooLarge ? "the notebook in the link is too large" : "the link is damaged (it does not decompress: was it cut short?)"};
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return {error: "the link is damaged (not a notebook)"};
  }
  const cells = value?.cells;
  if (!Array.isArray(cells) || !cells.every((c) => typeof c === "string")) return {error: "the link does not hold a notebook's cells"};
  if (cells.length > LIMITS.cells) return {error: `the notebook in the link has ${cells.length} cells (at most ${LIMITS.cells})`};
  return {cells, name: cleanName(value.name)};
}

/** The cells of a notebook link, or null when it is none or cannot be read. */
export async function decodeNotebook(hash) {
  const link = await readNotebookLink(hash);
  return link && "cells" in link ? link.cells : null;
}

/** A name from outside (a link, storage): text only, one line, bounded; null when there is none. */
export function cleanName(name) {
  if (typeof name !== "string") return null;
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, " ").replace(/\s+/g, " ").trim();
  return clean ? clean.slice(0, LIMITS.nameChars) : null;
}

/** Decompress deflate-raw bytes to text, giving up past `maxBytes` of output. */
async function inflateBounded(bytes, maxBytes) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw Object.assign(new Error("too large"), {tooLarge: true});
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", {fatal: true}).decode(await new Blob(chunks).arrayBuffer());
}

// ---- this browser's notebooks ---------------------------------------------------------------

/**
 * @typedef {{id: string, name: string, cells: string[], updated: string}} Notebook
 * @typedef {{v: 2, current: string | null, notebooks: Notebook[]}} Store
 */

/** The saved notebooks (an empty list when there are none), with a notebook of the old single-notebook key moved in. */
export function loadStore(storage = globalThis.localStorage) {
  /** @type {Store} */
  const store = {v: 2, current: null, notebooks: []};
  try {
    const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null");
    if (saved && Array.isArray(saved.notebooks)) {
      for (const nb of saved.notebooks) {
        if (typeof nb?.id === "string" && Array.isArray(nb.cells) && nb.cells.every((c) => typeof c === "string")) {
          store.notebooks.push({id: nb.id, name: cleanName(nb.name) ?? "Untitled notebook", cells: nb.cells, updated: String(nb.updated ?? "")});
        }
      }
      store.current = store.notebooks.some((nb) => nb.id === saved.current) ? saved.current : store.notebooks[0]?.id ?? null;
      return store;
    }
    const legacy = JSON.parse(storage?.getItem(LEGACY_STORAGE_KEY) ?? "null");
    if (Array.isArray(legacy?.cells) && legacy.cells.every((c) => typeof c === "string")) {
      const nb = newNotebook("My notebook", legacy.cells);
      store.notebooks.push(nb);
      store.current = nb.id;
    }
  } catch {
    // unreadable storage: start from no notebooks
  }
  return store;
}

/** Writes the store; false when storage is full or disabled (private mode): the URL still holds the open notebook. */
export function saveStore(store, storage = globalThis.localStorage) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(store));
    return true;
  } catch {
    return false;
  }
}

/**
 * Saves one notebook into the stored list (read, change, write: another tab may have changed other
 * notebooks meanwhile), and makes it the current one.
 */
export function storeNotebook(notebook, storage = globalThis.localStorage) {
  const store = loadStore(storage);
  const saved = {...notebook, updated: new Date().toISOString()};
  const i = store.notebooks.findIndex((nb) => nb.id === notebook.id);
  if (i >= 0) store.notebooks[i] = saved;
  else store.notebooks.push(saved);
  store.current = notebook.id;
  saveStore(store, storage);
  return store;
}

/** Removes a notebook from the stored list. */
export function removeStoredNotebook(id, storage = globalThis.localStorage) {
  const store = loadStore(storage);
  store.notebooks = store.notebooks.filter((nb) => nb.id !== id);
  if (store.current === id) store.current = store.notebooks[0]?.id ?? null;
  saveStore(store, storage);
  return store;
}

export function newNotebook(name, cells) {
  const id = `nb-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return {id, name, cells: [...cells], updated: new Date().toISOString()};
}

/** A name not yet used in `notebooks`: "name", else "name (2)", "name (3)", … */
export function uniqueName(name, notebooks) {
  const taken = new Set(notebooks.map((nb) => nb.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name} (${i})`)) return `${name} (${i})`;
}

export const sameCells = (a, b) => a.length === b.length && a.every((c, i) => c === b[i]);

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
