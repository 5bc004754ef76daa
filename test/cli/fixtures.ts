/** Text fixtures, written to a fresh temporary folder (with the binary fixtures from `fixtures/`) for each test file. */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ensureBuilt, FIXTURES } from "./helpers.js";

export const TEXT_FIXTURES: Record<string, string> = {
  // Seed 002's cat, dog, tiger, none; then seed 000's row; then a tie.
  "logits.csv": "cat,dog,tiger,none\n1.25,2.44,0.78,0.12\n-1,1,2,3\n0,0,0,0\n",
  "nohead.csv": "1.25,2.44,0.78,0.12\r\n-1,1,2,3\r\n\r\n0,0,0,0\r\n",
  "labelled.csv": 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,"versi,color"\n6.3,6.0,virginica\n',
  "quoted.csv": 'a,b\n"1.5","2"\n"3",4\n',
  "semicolon.csv": "1;2;3\n",
  "logits.tsv": "x\ty\tz\n0.25\t1.23\t-0.8\n1\t2\t3\n",
  "logits.txt": "# seed 001 and seed 003\n1.3 5.1 2.2 0.7 1.1\n\n  0.25   1.23\t-0.8 0 0\n",
  "rows.json": "[[1.3, 5.1, 2.2, 0.7, 1.1],\n [13, 31, 5, 0, 0]]\n",
  "cube.json": '[[[1, 2], [3, 4]], [[5, 6], [7, "-Infinity"]]]',
  "vector.json": "[0.25, 1.23, -0.8]",
  "rows.ndjson": "[1, 2, 3]\n\n[0, 100, 0]\n[NaN, 1, 2]\n",
  "special.csv": "NaN,1,2\n-inf,0,0\nInfinity,1,-Infinity\n",
  "labels.txt": "seal\npanda\nduck\n",
  "labels-list.json": '["seal", "panda", "duck"]',
  // Errors
  "bad-number.csv": "a,b,c\n1,2,3\n4,5,6\n7,abc,9\n",
  "empty-field.csv": "1,,3\n",
  "ragged.csv": "1,2,3\n4,5,6\n7,8\n",
  "unclosed-quote.csv": '1,2,3\n4,"5,6\n',
  "bad-quote.csv": '1,2,3\n4,"5"x,6\n',
  "ragged.json": "[[1, 2, 3],\n [4, 5]]",
  "ragged-depth.json": "[[1, 2], 3]",
  "bad.json": "[[1, 2, 3],\n [4, true, 6]]",
  "unclosed.json": "[[1, 2, 3],\n [4, 5, 6]",
  "object.json": '{"logits": [1, 2]}',
  "two-values.json": "[1, 2]\n[3, 4]\n",
  "empty.csv": "",
  "blank.txt": "\n\n# only a comment\n",
  "header-only.csv": "a,b,c\n",
};

/** A temporary folder holding every fixture; `cleanup` removes it. */
export function fixtureDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "softmax-cli-test-"));
  for (const [name, content] of Object.entries(TEXT_FIXTURES)) writeFileSync(join(dir, name), content);
  for (const name of readdirSync(FIXTURES)) if (!name.endsWith(".py")) copyFileSync(join(FIXTURES, name), join(dir, name));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The set-up of a CLI test file: the built binary, and a fresh fixture folder for the file, removed after it.
 * Read `.dir` inside tests (it is set before the first one runs).
 */
export function useFixtureDir(): { dir: string } {
  const state = { dir: "" };
  let cleanup = () => {};
  beforeAll(() => {
    ensureBuilt();
    ({ dir: state.dir, cleanup } = fixtureDir());
  });
  afterAll(() => cleanup());
  return state;
}
