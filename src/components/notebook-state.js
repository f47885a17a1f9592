// The workbench notebook (the SQL text of each cell, in order) as a shareable URL hash
// fragment and as a localStorage entry. The fragment is `#nb=` + base64url(deflate-raw(
// JSON)), so a link never reaches the server (fragments aren't sent) and six Phase 2
// queries fit in about 2 KB of URL.

const PREFIX = "nb=";
export const STORAGE_KEY = "strata.workbench.v1";

/** @param {string[]} cells @returns {Promise<string>} the fragment, without "#" */
export async function encodeNotebook(cells) {
  const json = new TextEncoder().encode(JSON.stringify({v: 1, cells}));
  const deflated = await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
  return PREFIX + toBase64Url(new Uint8Array(deflated));
}

/** @param {string} hash location.hash (with or without "#") @returns {Promise<string[] | null>} */
export async function decodeNotebook(hash) {
  const fragment = hash.replace(/^#/, "");
  if (!fragment.startsWith(PREFIX)) return null;
  try {
    const bytes = fromBase64Url(fragment.slice(PREFIX.length));
    const inflated = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).text();
    return validCells(JSON.parse(inflated));
  } catch {
    return null;
  }
}

export function loadStoredNotebook(storage = globalThis.localStorage) {
  try {
    return validCells(JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null"));
  } catch {
    return null;
  }
}

export function storeNotebook(cells, storage = globalThis.localStorage) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify({v: 1, cells}));
  } catch {
    // storage full or disabled (private mode): the URL still holds the notebook
  }
}

function validCells(value) {
  const cells = value?.cells;
  return Array.isArray(cells) && cells.every((c) => typeof c === "string") ? cells : null;
}

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
