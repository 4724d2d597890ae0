// Parse Mermaid files with Mermaid's own parser: node mermaid_parse.mjs NODE_MODULES FILE...
// Prints one line per file: "ok <diagram type>" or "error <message>"; exit 1 on any error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [given, ...files] = process.argv.slice(2);
const modules = resolve(given);
const require = createRequire(join(modules, "noop.js"));
const { JSDOM } = require("jsdom");  // mermaid's sanitiser needs a DOM
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(join(modules, "mermaid", "dist", "mermaid.core.mjs")).href);

let failed = false;
for (const file of files) {
  try {
    const result = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`ok ${result.diagramType}`);
  } catch (error) {
    failed = true;
    console.log(`error ${String((error && error.message) || error).replace(/\n/g, " ")}`);
  }
}
process.exit(failed ? 1 : 0);
