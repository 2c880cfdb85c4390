#!/usr/bin/env node
// Regenerates aws-provider-schema.json, the AWS provider's resource and data source types with
// their argument and nested block names, from the prebuilt cdktf binding @cdktf/provider-aws,
// which is generated from the provider's own schema. That package is ~390 MB installed, too big
// for every test machine, so check.mjs reads the extract committed beside it and only this
// script needs the package:
//
//   node extract-schema.mjs [DIR]        DIR: an npm prefix where the package is installed;
//                                         without it a temporary one is made with npm install
//   node extract-schema.mjs --verify DIR  exit 1 if the committed extract differs from DIR's
//
// What is read: every lib/<type>/**/*.js of the package. Each resource or data source class
// names its Terraform type (tfResourceType = "aws_...") and lists its arguments in
// synthesizeHclAttributes() as { snake_name: { value, isBlock, ... } }; each nested block has a
// function <struct>ToHclTerraform(struct) listing its own the same way. These are the names
// cdktf writes into the Terraform configuration it generates, so they are the provider's.
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const PACKAGE = "@cdktf/provider-aws";
const PACKAGE_VERSION = "21.22.1";
const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "aws-provider-schema.json");

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log("usage: node extract-schema.mjs [--verify] [NPM_PREFIX_DIR]");
  process.exit(0);
}
const verify = args[0] === "--verify";
let prefix = verify ? args[1] : args[0];
let temp = null;
if (!prefix) {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), "provider-aws-"));
  prefix = temp;
  fs.writeFileSync(path.join(prefix, "package.json"), '{"private":true}\n');
  console.error(`installing ${PACKAGE}@${PACKAGE_VERSION} into ${prefix} (~390 MB)...`);
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--legacy-peer-deps", "--ignore-scripts",
    `${PACKAGE}@${PACKAGE_VERSION}`], { cwd: prefix, stdio: ["ignore", "ignore", "inherit"] });
}
const pkgDir = path.join(prefix, "node_modules", PACKAGE);
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));

function jsFiles(dir) {
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...jsFiles(p));
    else if (e.name.endsWith(".js")) found.push(p);
  }
  return found;
}

// The entries of an "attrs = { ... }" object literal starting at text[start] == "{".
function attrEntries(text, start) {
  let depth = 0, end = start;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) { end = i; break; }
    else if (c === '"') { i = text.indexOf('"', i + 1); }
  }
  const body = text.slice(start, end + 1);
  const entries = {};
  const re = /^ {8,16}(\w+): \{\n\s+value: (.*),\n\s+isBlock: (true|false),\n\s+type: "(\w+)",/gm;
  let m;
  while ((m = re.exec(body))) {
    // a nested block's value is [module.]<struct>ToHclTerraform(...), a plain argument's cdktf.<type>ToHclTerraform(...)
    const fn = [...m[2].matchAll(/([\w.]*?)(\w+)ToHclTerraform\b/g)].find((f) => f[1] !== "cdktf.");
    entries[m[1]] = { block: m[3] === "true", struct: fn ? fn[2] : null };
  }
  return { entries, end };
}

const resources = {}, data = {};
let provider = null;
let problems = 0;
for (const dirName of fs.readdirSync(path.join(pkgDir, "lib"))) {
  const dir = path.join(pkgDir, "lib", dirName);
  if (!fs.statSync(dir).isDirectory()) continue;
  const structs = {};
  let type = null, kind = null, top = null, readable = [];
  // Required arguments and blocks: the TypeScript interface of each struct (and <Class>Config
  // for the type itself) marks optional ones with "?"; each property's doc links to the
  // registry page's #snake_name anchor.
  const required = {};
  let configIface = null;
  for (const file of jsFiles(dir).map((f) => f.replace(/\.js$/, ".d.ts")).filter((f) => fs.existsSync(f))) {
    const text = fs.readFileSync(file, "utf8");
    const ctor = /^export declare class \w+ extends cdktf\.Terraform(?:Resource|DataSource|Provider) \{[\s\S]*?constructor\(scope: Construct, id: string, config\??: (\w+)\);/m.exec(text);
    if (ctor) configIface = ctor[1];
    for (const m of text.matchAll(/^export interface (\w+)(?: extends [\w.]+)? \{\n([\s\S]*?)^\}/gm)) {
      required[m[1]] = [...m[2].matchAll(/#(\w+) \w+#\w+\}\n\s*\*\/\n\s*readonly \w+(\??):/g)].filter((x) => !x[2]).map((x) => x[1]);
    }
  }
  for (const file of jsFiles(dir)) {
    const text = fs.readFileSync(file, "utf8");
    const fnRe = /^function (\w+)ToHclTerraform\(struct\) \{/gm;
    let m;
    while ((m = fnRe.exec(text))) {
      const at = text.indexOf("const attrs = {", m.index);
      const next = text.indexOf("\nfunction ", m.index + 1);
      if (at < 0 || (next >= 0 && at > next)) { structs[m[1]] = {}; continue; }
      structs[m[1]] = attrEntries(text, at + "const attrs = ".length).entries;
    }
    const t = /\.tfResourceType = "(aws(?:_\w+)?)";/.exec(text);
    if (t) {
      type = t[1];
      kind = t[1] === "aws" ? "provider" : /extends cdktf\.TerraformDataSource/.test(text) ? "data" : "resource";
      // What an expression may read from it (aws_x.name.ATTR): the main class's attribute getters.
      const cls = text.slice(text.search(/^class \w+ extends cdktf\.Terraform(Resource|DataSource|Provider) \{/m));
      readable = [...new Set([...cls.matchAll(/this\.get\w*Attribute\('(\w+)'\)|new [\w.]+\(this, "(\w+)"/g)].map((x) => x[1] || x[2]))];
      const s = text.indexOf("    synthesizeHclAttributes() {");
      const at = text.indexOf("const attrs = {", s);
      top = attrEntries(text, at + "const attrs = ".length).entries;
    }
  }
  if (!type) { console.error(`no tfResourceType in lib/${dirName}`); problems++; continue; }
  const expand = (entries, seen, iface) => {
    const attrs = [], blocks = {};
    if (!(iface in required)) { console.error(`${type}: no interface ${iface}`); problems++; }
    for (const [name, e] of Object.entries(entries)) {
      if (e.block) {
        if (!e.struct || !(e.struct in structs)) { console.error(`${type}: block ${name} without its struct`); problems++; blocks[name] = {}; continue; }
        blocks[name] = seen.has(e.struct) ? { a: [] } : expand(structs[e.struct], new Set([...seen, e.struct]),
          e.struct[0].toUpperCase() + e.struct.slice(1));
      } else {
        attrs.push(name);
      }
    }
    const r = { a: attrs.sort() };
    if (Object.keys(blocks).length) r.b = blocks;
    const q = (required[iface] || []).filter((n) => n in entries).sort();
    if (q.length) r.q = q;
    return r;
  };
  const entry = expand(top, new Set(), configIface);
  const more = readable.filter((n) => !entry.a.includes(n) && !(entry.b && n in entry.b)).sort();
  if (more.length) entry.r = more;
  if (kind === "provider") provider = entry;
  else (kind === "data" ? data : resources)[type] = entry;
}
const sortKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
const schema = {
  comment: "Generated by extract-schema.mjs from the npm package named below; do not edit. a: argument names, b: nested blocks, q: required arguments and blocks, r: further attributes an expression can read.",
  package: `${pkg.name}@${pkg.version}`,
  provider: { name: pkg.cdktf.provider.name.replace(/^[^/]+\/(?=[^/]+\/[^/]+$)/, ""), version: pkg.cdktf.provider.version },
  provider_config: provider,
  resource: sortKeys(resources),
  data: sortKeys(data),
};
// One line per type, so that a provider bump shows as a readable diff.
const table = (o) => `{\n${Object.entries(o).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n}`;
const json = `{\n${Object.entries(schema).map(([k, v]) => `${JSON.stringify(k)}: ${k === "resource" || k === "data" ? table(v) : JSON.stringify(v)}`).join(",\n")}\n}\n`;
if (temp) fs.rmSync(temp, { recursive: true, force: true });
if (problems) { console.error(`${problems} problem(s) reading the package`); process.exit(1); }
if (verify) {
  const same = fs.readFileSync(out, "utf8") === json;
  console.log(same ? "aws-provider-schema.json matches the package" : "aws-provider-schema.json differs from the package: regenerate it");
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(out, json);
console.log(`wrote ${out}: ${Object.keys(resources).length} resource types, ${Object.keys(data).length} data source types, provider ${schema.provider.name} ${schema.provider.version}`);
