/**
 * A small web-analytics data folder for the site's tests, until the demo data set has web feeds
 * (branch web-gen): `<dir>/web/users/YYYY-MM-DD.csv` and `<dir>/web/pageviews/YYYY-MM-DDTHH.csv`,
 * the layout `webArrivals` reads. Deterministic: ~300 users over 12 postcodes, 4 days of views
 * (~2,000 a day), a few users moving every day, some views by users no extract knows yet or at all
 * (the unknown postcode), and one hour that never arrives (`missingHour`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const webFixture = {
  days: ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04"],
  /** no delivery for this hour: the page must list it */
  missingHour: "2022-03-03T07",
  postcodes: ["SW19", "E1", "M60", "N1", "SE10", "W2", "EC1", "B1", "LS1", "G1", "CF10", "BS1"],
} as const;

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Writes the folder; returns the number of views written (every file's rows). */
export function writeWebData(dir: string, seed = 7): { views: number } {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const usersDir = join(dir, "web", "users");
  const viewsDir = join(dir, "web", "pageviews");
  mkdirSync(usersDir, { recursive: true });
  mkdirSync(viewsDir, { recursive: true });
  // user id → postcode; users 281–300 join on day 2 and later, 301–310 are never in an extract
  const where = new Map<number, string>();
  for (let id = 1; id <= 280; id++) where.set(id, pick(webFixture.postcodes));
  let views = 0;
  webFixture.days.forEach((day, i) => {
    if (i > 0) {
      for (const id of where.keys()) if (random() < 0.04) where.set(id, pick(webFixture.postcodes)); // moves
      for (let id = 280 + (i - 1) * 7 + 1; id <= 280 + i * 7; id++) where.set(id, pick(webFixture.postcodes)); // joins
    }
    const rows = [...where].sort((a, b) => a[0] - b[0]).map(([id, pc]) => `${id},${pc}`);
    writeFileSync(join(usersDir, `${day}.csv`), `id,postcode\n${rows.join("\n")}\n`);
    for (let hour = 0; hour < 24; hour++) {
      const key = `${day}T${pad(hour)}`;
      const n = 40 + Math.floor(random() * 90);
      const lines: string[] = [];
      for (let k = 0; k < n; k++) {
        const id = random() < 0.03 ? 301 + Math.floor(random() * 10) : 1 + Math.floor(random() * 310);
        const at = `${day} ${pad(hour)}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}`;
        lines.push(`${id},"www.site.com/${pick(["", "news", "sport", "weather", "about"])}",${at}`);
      }
      if (key === webFixture.missingHour) continue;
      writeFileSync(join(viewsDir, `${key}.csv`), `user_id,url,pageview_datetime\n${lines.join("\n")}\n`);
      views += n;
    }
  });
  return { views };
}
