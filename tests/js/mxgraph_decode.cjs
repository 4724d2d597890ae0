// Decode draw.io files with mxGraph's own codec (the library draw.io is built on):
//   node mxgraph_decode.cjs NODE_MODULES FILE...
// Prints one JSON line per file: cell counts, and edges whose ends did not resolve.
const fs = require("fs");
const path = require("path");

const modules = path.resolve(process.argv[2]);
const { JSDOM } = require(path.join(modules, "jsdom"));
const dom = new JSDOM("<!DOCTYPE html><body></body>", { pretendToBeVisual: true });
for (const name of ["window", "document", "navigator", "XMLSerializer", "DOMParser", "XMLHttpRequest", "Node"]) {
  global[name] = name === "window" ? dom.window : dom.window[name];
}
const mx = require(path.join(modules, "mxgraph"))({ mxBasePath: "", mxLoadResources: false, mxLoadStylesheets: false });
for (const key of Object.keys(mx)) { global[key] = mx[key]; window[key] = mx[key]; }

for (const file of process.argv.slice(3)) {
  const doc = mx.mxUtils.parseXml(fs.readFileSync(file, "utf8"));
  const model = new mx.mxGraphModel();
  new mx.mxCodec(doc).decode(doc.getElementsByTagName("mxGraphModel")[0], model);
  const cells = Object.values(model.cells);
  const vertices = cells.filter((c) => c.vertex);
  const edges = cells.filter((c) => c.edge);
  console.log(JSON.stringify({
    cells: cells.length,
    vertices: vertices.length,
    edges: edges.length,
    dangling: edges.filter((e) => !e.source || !e.target).length,
    containers: vertices.filter((v) => (v.style || "").includes("container=1")).length,
    inside: vertices.filter((v) => v.parent && v.parent.id !== "1").length,
    geometry: vertices.filter((v) => v.geometry && v.geometry.width > 0 && v.geometry.height > 0).length,
    links: cells.filter((c) => c.value && c.value.getAttribute && c.value.getAttribute("link")).length,
  }));
}
