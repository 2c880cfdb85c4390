#!/usr/bin/env node
// Static checks of lifeboat's Terraform, the nearest to `terraform fmt -check` and
// `terraform validate` that runs without Terraform (run `node check.mjs --help`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node check.mjs [--no-style] [--quiet] PATH...

Checks every .tf file under each PATH (a directory, searched recursively, or a .tf file); each
directory holding .tf files is one Terraform module.

  syntax     every file is parsed by HashiCorp's HCL parser (@cdktf/hcl2json: the Go parser
             compiled to WebAssembly); an error names file, line and column
  references var.X, local.X, module.M.OUT, data.T.N and T.N (resources) all point at a
             declaration of the module; module calls pass every required variable of the called
             (local) module and nothing it does not declare; no variable or local is left unused;
             outputs that show a sensitive variable are marked sensitive; templatefile()/file()
             paths exist, and every \${name} a template uses is given by the templatefile() call
  provider   every resource/data "aws_*" type exists in the AWS provider, every argument and
             nested block is one of that type's, every required one is there, every attribute
             read (aws_x.n.ATTR) exists, and
             required_providers admits the provider version the schema was taken from
             (aws-provider-schema.json, extracted from @cdktf/provider-aws by extract-schema.mjs)
  style      a subset of terraform fmt's rules (hclwrite's format.go): indentation by two spaces
             per open bracket, '=' aligned across consecutive one-line attributes with one space
             after it, no trailing whitespace (--no-style skips this)

Not checked: types and values of arguments, conflicting arguments, provider-side validation,
function names, anything only plan/apply can know.

Exit status: 0 no problems, 1 problems found (listed as FILE:LINE: message), 2 usage error.`;

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) { console.log(USAGE); process.exit(0); }
let style = true, quiet = false;
const roots = [];
for (const a of argv) {
  if (a === "--no-style") style = false;
  else if (a === "--quiet") quiet = true;
  else if (a.startsWith("-")) usage(`unknown option ${a}`);
  else roots.push(a);
}
if (roots.length === 0) usage("no PATH given");
for (const r of roots) if (!fs.existsSync(r)) usage(`${r}: no such file or directory`);

function usage(msg) {
  console.error(`check.mjs: ${msg}\n${USAGE.split("\n")[0]}   (--help: what is checked)`);
  process.exit(2);
}

let hcl2json;
try {
  hcl2json = await import("@cdktf/hcl2json");
} catch (e) {
  console.error(`check.mjs: cannot load @cdktf/hcl2json (${e.code || e.message}): run npm ci in ${here} `
    + "(tools/prepare-test-machine.sh does)");
  process.exit(2);
}
const SCHEMA_FILE = path.join(here, "aws-provider-schema.json");
const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));

// ---------------------------------------------------------------- reporting
const problems = [];
const reported = new Set();
function report(file, line, msg) {
  const key = `${file}:${line}:${msg}`;
  if (reported.has(key)) return;
  reported.add(key);
  problems.push({ file: path.relative(process.cwd(), file) || file, line, msg });
}

// ---------------------------------------------------------------- lexer
// Tokens as hclsyntax makes them, enough for formatting and structure: the file has already been
// accepted by the real parser when this runs, so malformed input need not be diagnosed here.
const OPEN = new Set(["{", "[", "(", "${", "%{"]);
const CLOSE = new Set(["}", "]", ")", "tmplEnd"]);

function lex(src) {
  const toks = [];
  let i = 0, line = 1, lineStart = 0;
  const modes = [{ m: "normal", braces: 0, interp: false }];
  const push = (type, start, end, extra) => {
    const t = { type, text: src.slice(start, end), start, end, line, col: start - lineStart, ...extra };
    toks.push(t);
    return t;
  };
  const newlinesIn = (start, end) => {
    for (let k = start; k < end; k++) if (src[k] === "\n") { line++; lineStart = k + 1; }
  };
  // Template text (inside "..." or a heredoc line) up to the next interpolation or the end.
  const templateText = (stopAtQuote) => {
    const s = i;
    while (i < src.length) {
      const c = src[i];
      if (stopAtQuote && c === '"') break;
      if (stopAtQuote && c === "\\") { i += 2; continue; }
      if ((c === "$" || c === "%") && src[i + 1] === c && src[i + 2] === "{") { i += 3; continue; }
      if ((c === "$" || c === "%") && src[i + 1] === "{") break;
      if (!stopAtQuote && c === "\n") { i++; break; }
      i++;
    }
    if (i > s) { push("lit", s, i); newlinesIn(s, i); }
  };
  while (i < src.length) {
    const mode = modes[modes.length - 1];
    if (mode.m === "quote") {
      if (src[i] === '"') { push("cquote", i, i + 1); i++; modes.pop(); continue; }
      if ((src[i] === "$" || src[i] === "%") && src[i + 1] === "{") {
        push(src[i] === "$" ? "${" : "%{", i, i + 2); i += 2;
        modes.push({ m: "normal", braces: 0, interp: true });
        continue;
      }
      templateText(true);
      continue;
    }
    if (mode.m === "heredoc") {
      if (mode.atLineStart) {
        const eol = src.indexOf("\n", i);
        const text = src.slice(i, eol < 0 ? src.length : eol);
        if (text.trim() === mode.marker) {
          push("cheredoc", i, i + text.length);
          i += text.length;
          modes.pop();
          continue;
        }
        mode.atLineStart = false;
      }
      if ((src[i] === "$" || src[i] === "%") && src[i + 1] === "{") {
        push(src[i] === "$" ? "${" : "%{", i, i + 2); i += 2;
        modes.push({ m: "normal", braces: 0, interp: true });
        continue;
      }
      const before = i;
      templateText(false);
      if (src[i - 1] === "\n" && i > before) mode.atLineStart = true;
      continue;
    }
    // normal mode
    const c = src[i];
    if (c === "\n") { push("newline", i, i + 1); i++; line++; lineStart = i; continue; }
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "#" || (c === "/" && src[i + 1] === "/")) {
      let e = src.indexOf("\n", i);
      e = e < 0 ? src.length : e + 1;
      push("comment", i, e, { endsLine: src[e - 1] === "\n" });
      newlinesIn(i, e);
      i = e;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      let e = src.indexOf("*/", i + 2);
      e = e < 0 ? src.length : e + 2;
      push("comment", i, e, { endsLine: false });
      newlinesIn(i, e);
      i = e;
      continue;
    }
    if (c === '"') { push("oquote", i, i + 1); i++; modes.push({ m: "quote" }); continue; }
    const heredoc = /^<<(-?)([A-Za-z_][\w-]*)\r?\n/.exec(src.slice(i, i + 200));
    if (heredoc) {
      push("oheredoc", i, i + heredoc[0].length);
      i += heredoc[0].length; line++; lineStart = i;
      modes.push({ m: "heredoc", marker: heredoc[2], atLineStart: true });
      continue;
    }
    if (c === "{") { mode.braces++; push("{", i, i + 1); i++; continue; }
    if (c === "}") {
      if (mode.interp && mode.braces === 0) { push("tmplEnd", i, i + 1); i++; modes.pop(); continue; }
      mode.braces--; push("}", i, i + 1); i++; continue;
    }
    if (c === "~" && src[i + 1] === "}" && mode.interp && mode.braces === 0) { i++; continue; }
    const ident = /^[A-Za-z_][\w-]*/.exec(src.slice(i, i + 256));
    if (ident) { push("ident", i, i + ident[0].length); i += ident[0].length; continue; }
    const num = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64));
    if (num) { push("number", i, i + num[0].length); i += num[0].length; continue; }
    const op = /^(\.\.\.|==|!=|>=|<=|&&|\|\||=>|[=.,:?!+\-*/%<>\[\]()])/.exec(src.slice(i, i + 3));
    if (op) { push(op[0], i, i + op[0].length); i += op[0].length; continue; }
    push("other", i, i + 1); i++;
  }
  return toks;
}

const bracketChange = (t) => (OPEN.has(t.type) ? 1 : CLOSE.has(t.type) ? -1 : 0);

// ---------------------------------------------------------------- structure with line numbers
// body := { attribute | block }; attribute := ident "=" expression (to the end of the line at
// bracket depth 0); block := ident { ident | "label" } "{" body "}".
function structure(toks) {
  let p = 0;
  const skipBlank = () => { while (p < toks.length && (toks[p].type === "newline" || toks[p].type === "comment")) p++; };
  function body(closing) {
    const items = [];
    for (;;) {
      skipBlank();
      if (p >= toks.length) return items;
      if (closing && toks[p].type === "}") { p++; return items; }
      const name = toks[p];
      if (name.type !== "ident") throw new Error(`line ${name.line}: unexpected ${name.text}`);
      p++;
      if (toks[p] && toks[p].type === "=") {
        p++;
        const first = p;
        let depth = 0;
        while (p < toks.length) {
          const t = toks[p];
          if (depth === 0 && (t.type === "newline" || (t.type === "comment" && t.endsLine))) break;
          if (depth === 0 && closing && t.type === "}") break;
          depth += bracketChange(t);
          p++;
        }
        items.push({ kind: "attr", name: name.text, line: name.line, tokens: toks.slice(first, p) });
        continue;
      }
      const labels = [];
      while (toks[p] && toks[p].type !== "{") {
        if (toks[p].type === "oquote") {
          labels.push(toks[p + 1].type === "lit" ? toks[p + 1].text : "");
          p += toks[p + 1].type === "lit" ? 3 : 2;
        } else if (toks[p].type === "ident") {
          labels.push(toks[p].text); p++;
        } else {
          throw new Error(`line ${toks[p].line}: unexpected ${toks[p].text}`);
        }
      }
      p++;
      items.push({ kind: "block", type: name.text, labels, line: name.line, body: body(true) });
    }
  }
  return body(false);
}

// A traversal's root and parts, for each reference in a token range: [{root, parts, line}].
function references(tokens) {
  const refs = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type !== "ident" || (k > 0 && tokens[k - 1].type === ".")) continue;
    if (!tokens[k + 1] || tokens[k + 1].type !== ".") continue;
    const parts = [];
    let j = k + 1;
    for (;;) {
      if (tokens[j] && tokens[j].type === "." && tokens[j + 1] && (tokens[j + 1].type === "ident" || tokens[j + 1].type === "number")) {
        parts.push(tokens[j + 1].text); j += 2;
      } else if (tokens[j] && tokens[j].type === "[") {
        let depth = 0;
        do { depth += bracketChange(tokens[j]); j++; } while (j < tokens.length && depth > 0);
        parts.push("[]");
      } else break;
    }
    refs.push({ root: t.text, parts, line: t.line });
    k = j - 1;
  }
  return refs;
}

// ---------------------------------------------------------------- style (terraform fmt subset)
function checkStyle(file, src, toks) {
  // Lines as hclwrite forms them: split at newline tokens and at comments that end a line; a
  // heredoc belongs, whole, to the line that opens it.
  const lines = [];
  let cur = [];
  for (const t of toks) {
    cur.push(t);
    if (t.type === "newline" || (t.type === "comment" && t.endsLine)) { lines.push(cur); cur = []; }
  }
  if (cur.length) lines.push(cur);
  const indents = [];
  const fmt = [];
  for (const line of lines) {
    const first = line[0];
    if (first.type === "newline") {
      const lineStart = src.lastIndexOf("\n", first.start - 1) + 1;
      if (first.start > lineStart) report(file, first.line, "style: whitespace on an empty line");
      fmt.push(null);
      continue;
    }
    let lead = line, assign = null;
    const hasComment = line.length > 1 && line[line.length - 1].type === "comment";
    const body = hasComment ? line.slice(0, -1) : line;
    for (let k = 1; k < body.length; k++) {
      if (body[k].type !== "=") continue;
      const net = body.slice(k).reduce((n, t) => n + bracketChange(t), 0);
      if (net === 0) { lead = body.slice(0, k); assign = body.slice(k); }
      break;
    }
    if (!assign) lead = body;
    let net = 0;
    for (const t of lead) { net += bracketChange(t); if (t.type === "oheredoc") break; }
    for (const t of assign || []) net += bracketChange(t);
    let expected;
    if (net > 0) { expected = 2 * indents.length; indents.push(net); }
    else {
      let closed = -net;
      while (closed > 0 && indents.length) {
        const top = indents[indents.length - 1];
        if (closed > top) { closed -= top; indents.pop(); }
        else if (closed < top) { indents[indents.length - 1] -= closed; closed = 0; }
        else { indents.pop(); closed = 0; }
      }
      expected = 2 * indents.length;
    }
    const lineStart = src.lastIndexOf("\n", first.start - 1) + 1;
    const leading = src.slice(lineStart, first.start);
    if (leading !== " ".repeat(expected)) {
      report(file, first.line, `style: indentation: expected ${expected} spaces, found ${JSON.stringify(leading)}`);
    }
    // trailing whitespace before a newline token (comments and heredoc text keep theirs)
    const last = line[line.length - 1];
    if (last.type === "newline" && line.length > 1) {
      const prev = line[line.length - 2];
      if (prev.end < last.start && prev.type !== "lit") report(file, last.line, "style: trailing whitespace");
    }
    fmt.push({ lead, assign, expected });
  }
  // '=' alignment: a chain is a run of consecutive lines with a one-line assignment.
  const width = (lead) => {
    // Only leads whose formatted width is plain to see: a name, or a quoted name.
    if (lead.length === 1 && lead[0].type === "ident") return lead[0].text.length;
    if (lead.length === 3 && lead[0].type === "oquote" && lead[1].type === "lit" && lead[2].type === "cquote") return lead[1].text.length + 2;
    return null;
  };
  for (let k = 0; k < fmt.length;) {
    if (!fmt[k] || !fmt[k].assign) { k++; continue; }
    let e = k;
    while (e < fmt.length && fmt[e] && fmt[e].assign) e++;
    const chain = fmt.slice(k, e);
    const widths = chain.map((l) => width(l.lead));
    if (!widths.includes(null)) {
      const max = Math.max(...chain.map((l, n) => l.expected + widths[n]));
      for (const l of chain) {
        const eq = l.assign[0];
        if (eq.col !== max + 1) {
          report(file, eq.line, `style: '=' at column ${eq.col + 1}, expected column ${max + 2} (aligned with the neighbouring attributes)`);
        } else if (l.assign[1] && l.assign[1].type !== "newline" && l.assign[1].type !== "comment" && l.assign[1].start !== eq.end + 1) {
          report(file, eq.line, "style: one space expected after '='");
        }
      }
    }
    k = e;
  }
}

// ---------------------------------------------------------------- modules
function tfFiles(root) {
  const st = fs.statSync(root);
  if (st.isFile()) return root.endsWith(".tf") ? [root] : [];
  const found = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    found.push(...tfFiles(path.join(root, e.name)));
  }
  return found.sort();
}

const files = [...new Set(roots.flatMap(tfFiles).map((f) => path.resolve(f)))];
if (files.length === 0) usage(`no .tf files under ${roots.join(", ")}`);
const moduleDirs = [...new Set(files.map((f) => path.dirname(f)))];
const modules = new Map(); // dir -> parsed module, also for modules only called by others

async function loadModule(dir) {
  if (modules.has(dir)) return modules.get(dir);
  const mod = { dir, files: [], ok: true, variables: new Map(), locals: new Map(), outputs: new Map(),
    modules: new Map(), resources: new Map(), data: new Map(), blocks: [] };
  modules.set(dir, mod);
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".tf")).sort() : [];
  for (const n of names) {
    const file = path.join(dir, n);
    const src = fs.readFileSync(file, "utf8");
    const shown = path.relative(process.cwd(), file) || file;
    let json;
    try {
      json = await hcl2json.parse(shown, src);
    } catch (e) {
      // "parse config: [FILE:L,C-...: Summary; Detail FILE:L,C-...: ...]": report the earliest
      // diagnostic (the others usually follow from it), with how many more there were.
      const msg = String(e && e.message ? e.message : e).replace(/^parse config: \[|\]$/g, "");
      const esc = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const marks = [...msg.matchAll(new RegExp(`${esc}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: ?`, "g"))];
      const diags = marks.map((m, k) => ({ line: Number(m[1]), col: Number(m[2]),
        text: msg.slice(m.index + m[0].length, k + 1 < marks.length ? marks[k + 1].index : msg.length).trim() }));
      diags.sort((a, b) => a.line - b.line || a.col - b.col);
      if (diags.length) {
        const d = diags[0];
        report(file, d.line, `syntax error: column ${d.col}: ${d.text}${diags.length > 1 ? ` (and ${diags.length - 1} more error(s) after it)` : ""}`);
      } else report(file, 1, `syntax error: ${msg}`);
      mod.ok = false;
      continue;
    }
    const toks = lex(src);
    let items;
    try {
      items = structure(toks);
    } catch (e) {
      report(file, 1, `internal: the checker could not follow this file the HCL parser accepted (${e.message}); fix check.mjs`);
      mod.ok = false;
      continue;
    }
    crossCheck(file, items, json);
    mod.files.push({ file, src, toks, items });
    for (const b of items) {
      if (b.kind !== "block") continue;
      const at = { ...b, file };
      mod.blocks.push(at);
      const key = b.labels.join(".");
      if (b.type === "variable") mod.variables.set(key, at);
      else if (b.type === "output") mod.outputs.set(key, at);
      else if (b.type === "module") mod.modules.set(key, at);
      else if (b.type === "resource") mod.resources.set(key, at);
      else if (b.type === "data") mod.data.set(key, at);
      else if (b.type === "locals") for (const a of b.body) if (a.kind === "attr") mod.locals.set(a.name, { ...a, file });
    }
  }
  return mod;
}

// The scanner must see the same top-level blocks as the real parser does.
function crossCheck(file, items, json) {
  const mine = new Set(), theirs = new Set();
  for (const b of items) if (b.kind === "block") mine.add([b.type, ...b.labels].join(" "));
  const walk = (prefix, node, depth) => {
    if (Array.isArray(node) || depth === 0) { theirs.add(prefix.join(" ")); return; }
    for (const [k, v] of Object.entries(node)) walk([...prefix, k], v, depth - 1);
  };
  const labelCount = { resource: 2, data: 2, variable: 1, output: 1, module: 1, provider: 1, locals: 0, terraform: 0,
    moved: 0, import: 0, check: 1, removed: 0 };
  for (const [type, v] of Object.entries(json)) walk([type], v, labelCount[type] ?? 0);
  const a = [...mine].sort().join("\n"), b = [...theirs].sort().join("\n");
  if (a !== b) report(file, 1, `internal: the checker's view of the top-level blocks differs from the HCL parser's (${a.replace(/\n/g, ", ")} vs ${b.replace(/\n/g, ", ")}); fix check.mjs`);
}

function attr(block, name) {
  return block.body.find((i) => i.kind === "attr" && i.name === name);
}
function stringValue(a) {
  // A plain "literal" attribute value, or null.
  if (!a || a.tokens[0]?.type !== "oquote" || a.tokens[a.tokens.length - 1].type !== "cquote") return null;
  const inner = a.tokens.slice(1, -1);
  if (inner.length === 0) return "";
  return inner.length === 1 && inner[0].type === "lit" ? inner[0].text : null;
}

// ---------------------------------------------------------------- checks
const META_RESOURCE = new Set(["count", "for_each", "depends_on", "provider"]);
const META_BLOCKS = new Set(["lifecycle", "provisioner", "connection"]);
const MODULE_META = new Set(["source", "version", "count", "for_each", "providers", "depends_on"]);
const PROVIDER_VERSION = schema.provider.version;

function satisfies(version, constraint) {
  const parse = (v) => v.split(".").map((x) => Number(x) || 0).concat([0, 0, 0]).slice(0, 3);
  const cmp = (a, b) => { for (let k = 0; k < 3; k++) if (a[k] !== b[k]) return a[k] - b[k]; return 0; };
  const v = parse(version);
  for (const part of constraint.split(",")) {
    const m = /^\s*(>=|<=|!=|~>|=|>|<)?\s*v?([0-9][0-9.]*)\s*$/.exec(part);
    if (!m) return null;
    const op = m[1] || "=", w = parse(m[2]), c = cmp(v, w), segs = m[2].split(".").length;
    const ok = op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === ">" ? c > 0 : op === ">=" ? c >= 0
      : op === "<" ? c < 0 : op === "<=" ? c <= 0
      : /* ~> */ c >= 0 && (segs <= 1 ? true : segs === 2 ? v[0] === w[0] : v[0] === w[0] && v[1] === w[1]);
    if (!ok) return false;
  }
  return true;
}

function checkSchemaBody(file, items, entry, where, line) {
  for (const name of entry.q || []) {
    const set = items.some((i) => (i.kind === "attr" ? i.name === name : i.type === name || (i.type === "dynamic" && i.labels[0] === name)));
    if (!set) report(file, line, `${where}: required ${entry.b && name in entry.b ? `block "${name} { ... }"` : `argument "${name}"`} is missing`);
  }
  for (const i of items) {
    if (i.kind === "attr") {
      if (entry.a.includes(i.name)) continue;
      if (entry.b && i.name in entry.b) report(file, i.line, `${where}: ${i.name} is a nested block: write ${i.name} { ... }, not ${i.name} = ...`);
      else report(file, i.line, `${where}: unsupported argument "${i.name}"${suggest(i.name, [...entry.a, ...Object.keys(entry.b || {})])}`);
    } else if (i.type === "dynamic") {
      const name = i.labels[0];
      if (!entry.b || !(name in entry.b)) { report(file, i.line, `${where}: dynamic "${name}": no such nested block${suggest(name, Object.keys(entry.b || {}))}`); continue; }
      const content = i.body.find((c) => c.kind === "block" && c.type === "content");
      if (content) checkSchemaBody(file, content.body, entry.b[name], `${where}.${name}`, content.line);
    } else {
      if (entry.b && i.type in entry.b) checkSchemaBody(file, i.body, entry.b[i.type], `${where}.${i.type}`, i.line);
      else if (entry.a.includes(i.type)) report(file, i.line, `${where}: ${i.type} is an argument: write ${i.type} = ..., not a block`);
      else report(file, i.line, `${where}: unsupported block type "${i.type}"${suggest(i.type, Object.keys(entry.b || {}))}`);
    }
  }
}

function suggest(name, candidates) {
  const dist = (a, b) => {
    const d = Array.from({ length: a.length + 1 }, (_, x) => [x, ...Array(b.length).fill(0)]);
    for (let y = 1; y <= b.length; y++) d[0][y] = y;
    for (let x = 1; x <= a.length; x++) for (let y = 1; y <= b.length; y++) {
      d[x][y] = Math.min(d[x - 1][y] + 1, d[x][y - 1] + 1, d[x - 1][y - 1] + (a[x - 1] === b[y - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
  };
  let best = null, bestD = Infinity;
  for (const c of candidates) { const d = dist(name, c); if (d < bestD) { best = c; bestD = d; } }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean "${best}"?)` : "";
}

// Values a string expression can take: a template of literals, path.module, local.X (itself such
// a template) and var.X (the values a contains([...], var.X) validation allows, or any).
function templateValues(mod, tokens, seen = new Set()) {
  if (tokens.length < 2 || tokens[0].type !== "oquote" || tokens[tokens.length - 1].type !== "cquote") return null;
  let values = [""];
  for (let k = 1; k < tokens.length - 1; k++) {
    const t = tokens[k];
    if (t.type === "lit") { values = values.map((v) => v + t.text); continue; }
    if (t.type !== "${") return null;
    let e = k + 1, depth = 1;
    while (e < tokens.length && depth > 0) { depth += bracketChange(tokens[e]); e++; }
    const inner = tokens.slice(k + 1, e - 1);
    k = e - 1;
    const ref = inner.length === 3 && inner[0].type === "ident" && inner[1].type === "." && inner[2].type === "ident"
      ? `${inner[0].text}.${inner[2].text}` : null;
    let options;
    if (ref === "path.module") options = [mod.dir];
    else if (ref && ref.startsWith("local.") && mod.locals.has(ref.slice(6)) && !seen.has(ref)) {
      options = templateValues(mod, mod.locals.get(ref.slice(6)).tokens, new Set([...seen, ref]));
    } else if (ref && ref.startsWith("var.") && mod.variables.has(ref.slice(4))) {
      options = allowedValues(mod.variables.get(ref.slice(4)), ref.slice(4));
    } else options = null;
    if (!options) return null;
    values = values.flatMap((v) => options.map((o) => v + o));
  }
  return values;
}
function allowedValues(variable, name) {
  for (const v of variable.body) {
    if (v.kind !== "block" || v.type !== "validation") continue;
    const cond = attr(v, "condition");
    if (!cond) continue;
    const text = cond.tokens.filter((t) => t.type !== "oquote" && t.type !== "cquote" && t.type !== "newline")
      .map((t) => (t.type === "lit" ? JSON.stringify(t.text) : t.text)).join(" ");
    const m = new RegExp(`^contains \\( \\[ ((?:"[^"]*" ,? ?)*)\\] , var \\. ${name} \\)$`).exec(text);
    if (m) return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
  }
  return null;
}

// Function calls in a token range: [{name, args: [tokens], line}].
function calls(tokens, name) {
  const found = [];
  for (let k = 0; k + 1 < tokens.length; k++) {
    if (tokens[k].type !== "ident" || tokens[k].text !== name || tokens[k + 1].type !== "(") continue;
    const args = [[]];
    let depth = 0, e = k + 1;
    for (; e < tokens.length; e++) {
      const t = tokens[e];
      const d = bracketChange(t);
      if (d > 0) { depth++; if (depth === 1) continue; }
      if (d < 0) { depth--; if (depth === 0) break; }
      if (depth === 1 && t.type === ",") { args.push([]); continue; }
      if (t.type !== "newline" && t.type !== "comment") args[args.length - 1].push(t);
    }
    found.push({ name, args, line: tokens[k].line });
  }
  return found;
}
function objectKeys(tokens) {
  if (!tokens.length || tokens[0].type !== "{") return null;
  const keys = [];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (depth === 1 && t.type === "ident" && tokens[k + 1] && (tokens[k + 1].type === "=" || tokens[k + 1].type === ":")) keys.push(t.text);
    if (depth === 1 && t.type === "oquote" && tokens[k + 1]?.type === "lit" && tokens[k + 2]?.type === "cquote"
      && tokens[k + 3] && (tokens[k + 3].type === "=" || tokens[k + 3].type === ":")) keys.push(tokens[k + 1].text);
    depth += bracketChange(t);
  }
  return keys;
}

async function checkModule(mod) {
  const usedVars = new Set(), usedLocals = new Set();
  const sensitiveVars = new Set([...mod.variables].filter(([, v]) => attr(v, "sensitive")?.tokens.map((t) => t.text).join("") === "true").map(([k]) => k));
  for (const { file, items } of mod.files) {
    // every expression of the file, with where it stands
    const visit = (list, ctx) => {
      for (const i of list) {
        if (i.kind === "block") { visit(i.body, ctx || i); continue; }
        for (const r of references(i.tokens)) checkRef(file, r, ctx, i);
        for (const fn of ["templatefile", "file"]) for (const c of calls(i.tokens, fn)) checkFileCall(file, c);
      }
    };
    visit(items, null);
  }

  function checkRef(file, r, top, at) {
    const [p0] = r.parts;
    const p1 = r.parts[1] === "[]" && r.root === "module" ? r.parts[2] : r.parts[1];
    switch (r.root) {
      case "var":
        // a variable's own validation does not count as a use
        if (!(top && top.type === "variable" && top.labels[0] === p0)) usedVars.add(p0);
        if (!mod.variables.has(p0)) report(file, r.line, `var.${p0}: no variable "${p0}" in this module${suggest(p0, [...mod.variables.keys()])}`);
        if (top && top.type === "output" && sensitiveVars.has(p0) && attr(top, "sensitive")?.tokens.map((t) => t.text).join("") !== "true") {
          report(file, r.line, `output "${top.labels[0]}" shows sensitive var.${p0}: Terraform refuses it unless the output has sensitive = true`);
        }
        return;
      case "local":
        usedLocals.add(p0);
        if (!mod.locals.has(p0)) report(file, r.line, `local.${p0}: no local value "${p0}" in this module${suggest(p0, [...mod.locals.keys()])}`);
        return;
      case "module": {
        const call = mod.modules.get(p0);
        if (!call) { report(file, r.line, `module.${p0}: no module block "${p0}" in this module${suggest(p0, [...mod.modules.keys()])}`); return; }
        const callee = call.callee;
        if (callee && callee.ok && p1 && p1 !== "[]" && !callee.outputs.has(p1)) {
          report(file, r.line, `module.${p0}.${p1}: ${path.relative(process.cwd(), callee.dir)} has no output "${p1}"${suggest(p1, [...callee.outputs.keys()])}`);
        }
        return;
      }
      case "data": {
        const key = `${p0}.${p1}`;
        if (!mod.data.has(key)) report(file, r.line, `data.${key}: no data "${p0}" "${p1}" block in this module`);
        else readAttr(file, r, schema.data[p0], `data.${key}`, r.parts.slice(2));
        return;
      }
      case "path":
        if (!["module", "root", "cwd"].includes(p0)) report(file, r.line, `path.${p0}: only path.module, path.root and path.cwd exist`);
        return;
      case "count": case "each": case "self": case "terraform":
        return;
      default:
        if (/^aws_/.test(r.root) || [...mod.resources.keys()].some((k) => k.startsWith(`${r.root}.`))) {
          const key = `${r.root}.${p0}`;
          if (!mod.resources.has(key)) report(file, r.line, `${key}: no resource "${r.root}" "${p0}" in this module`);
          else readAttr(file, r, schema.resource[r.root], key, r.parts.slice(1));
        }
    }
  }
  function readAttr(file, r, entry, what, rest) {
    if (!entry) return;
    const parts = rest[0] === "[]" ? rest.slice(1) : rest;
    const a = parts[0];
    if (!a || a === "[]") return;
    if (entry.a.includes(a) || (entry.b && a in entry.b) || (entry.r && entry.r.includes(a))) return;
    report(file, r.line, `${what}.${a}: the provider's ${what.replace(/\..*$/, "").replace(/^data$/, "data source")} has no attribute "${a}"${suggest(a, [...entry.a, ...(entry.r || [])])}`);
  }
  function checkFileCall(file, c) {
    const values = templateValues(mod, c.args[0] || []);
    if (!values) { if (!quiet) console.error(`${path.relative(process.cwd(), file)}:${c.line}: note: ${c.name}() path not checked (not a plain template of path.module, local and var values)`); return; }
    for (const v of values) {
      if (!fs.existsSync(v)) { report(file, c.line, `${c.name}(): ${path.relative(process.cwd(), v)} does not exist`); continue; }
      if (c.name !== "templatefile") continue;
      const given = objectKeys(c.args[1] || []);
      if (!given) continue;
      const text = fs.readFileSync(v, "utf8").replace(/\$\$\{/g, "");
      for (const m of text.matchAll(/\$\{\s*([A-Za-z_]\w*)/g)) {
        if (!given.includes(m[1])) report(file, c.line, `templatefile(): ${path.relative(process.cwd(), v)} uses \${${m[1]}}, which this call does not give (given: ${given.join(", ") || "nothing"})`);
      }
    }
  }

  // module calls
  for (const [name, call] of mod.modules) {
    const src = stringValue(attr(call, "source"));
    if (src === null) { report(call.file, call.line, `module "${name}": source must be a literal string`); continue; }
    if (!src.startsWith("./") && !src.startsWith("../")) continue; // registry or remote: not checked
    const callee = call.callee;
    if (!fs.existsSync(callee.dir) || callee.files.length === 0 && callee.ok) {
      report(call.file, attr(call, "source").line, `module "${name}": source ${src}: no .tf files in ${path.relative(process.cwd(), callee.dir)}`);
      continue;
    }
    if (!callee.ok) continue;
    const given = new Set(call.body.filter((i) => i.kind === "attr").map((i) => i.name));
    for (const i of call.body) {
      if (i.kind === "attr" && !MODULE_META.has(i.name) && !callee.variables.has(i.name)) {
        report(call.file, i.line, `module "${name}": ${src} has no variable "${i.name}"${suggest(i.name, [...callee.variables.keys()])}`);
      }
    }
    for (const [v, decl] of callee.variables) {
      if (!attr(decl, "default") && !given.has(v)) report(call.file, call.line, `module "${name}": required variable "${v}" of ${src} is not set`);
    }
  }

  // unused declarations
  for (const [name, v] of mod.variables) if (!usedVars.has(name)) report(v.file, v.line, `variable "${name}" is declared but never used: setting it would change nothing`);
  for (const [name, l] of mod.locals) if (!usedLocals.has(name)) report(l.file, l.line, `local value "${name}" is defined but never used`);

  // provider schema
  let usesAws = false;
  for (const b of mod.blocks) {
    if ((b.type === "resource" || b.type === "data") && b.labels[0].startsWith("aws_")) {
      usesAws = true;
      const table = schema[b.type];
      const entry = table[b.labels[0]];
      const what = `${b.type === "data" ? "data " : ""}${b.labels[0]}.${b.labels[1]}`;
      if (!entry) { report(b.file, b.line, `${b.type} type "${b.labels[0]}" does not exist in the AWS provider ${PROVIDER_VERSION}${suggest(b.labels[0], Object.keys(table))}`); continue; }
      const own = b.body.filter((i) => !(i.kind === "attr" ? META_RESOURCE.has(i.name) : META_BLOCKS.has(i.type)));
      checkSchemaBody(b.file, own, entry, what, b.line);
    }
    if (b.type === "provider" && b.labels[0] === "aws") {
      const own = b.body.filter((i) => !(i.kind === "attr" && i.name === "alias"));
      checkSchemaBody(b.file, own, schema.provider_config, 'provider "aws"', b.line);
    }
  }
  // required_providers: this module's claim about the provider version
  let declared = null;
  for (const b of mod.blocks) {
    if (b.type !== "terraform") continue;
    for (const rp of b.body) {
      if (rp.kind !== "block" || rp.type !== "required_providers") continue;
      const aws = rp.body.find((i) => i.kind === "attr" && i.name === "aws");
      if (!aws) continue;
      declared = aws;
      const text = aws.tokens.map((t) => t.text).join("");
      const source = /\bsource\s*=\s*"([^"]*)"/.exec(text);
      const version = /\bversion\s*=\s*"\s*([^"]*?)\s*"/.exec(text);
      if (!source || !/^(registry\.terraform\.io\/)?hashicorp\/aws$/.test(source[1])) report(b.file, aws.line, 'required_providers aws: source must be "hashicorp/aws"');
      if (!version) { report(b.file, aws.line, `required_providers aws: no version constraint (the provider check covers ${PROVIDER_VERSION})`); continue; }
      const c = version[1];
      const ok = satisfies(PROVIDER_VERSION, c);
      if (ok === null) report(b.file, aws.line, `required_providers aws: cannot read version constraint "${c}"`);
      else if (!ok) report(b.file, aws.line, `required_providers aws: "${c}" excludes ${PROVIDER_VERSION}, the version the provider check is made against`);
      else {
        const major = Number(PROVIDER_VERSION.split(".")[0]);
        for (const other of [`${major - 1}.999.999`, `${major + 1}.0.0`]) {
          if (satisfies(other, c)) report(b.file, aws.line, `required_providers aws: "${c}" admits ${other}, but the provider check covers ${major}.x only (${PROVIDER_VERSION}): use "~> ${major}.0"`);
        }
      }
    }
  }
  if (usesAws && !declared) {
    const f = mod.files[0];
    report(f.file, 1, `module uses aws_* resources but has no terraform { required_providers { aws = { source = "hashicorp/aws", version = "~> ${PROVIDER_VERSION.split(".")[0]}.0" } } }`);
  }
}

// Load every module (and every local module one calls), then check.
for (const dir of moduleDirs) await loadModule(dir);
for (let changed = true; changed;) {
  changed = false;
  for (const mod of [...modules.values()]) {
    for (const call of mod.modules.values()) {
      if (call.callee) continue;
      const src = stringValue(attr(call, "source"));
      if (src === null || !(src.startsWith("./") || src.startsWith("../"))) { call.callee = null; continue; }
      call.callee = await loadModule(path.resolve(mod.dir, src));
      changed = true;
    }
  }
}
for (const dir of moduleDirs) {
  const mod = modules.get(dir);
  if (!mod.ok) continue;
  await checkModule(mod);
  if (style) for (const f of mod.files) checkStyle(f.file, f.src, f.toks);
}

problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
for (const p of problems) console.log(`${p.file}:${p.line}: ${p.msg}`);
if (!quiet || problems.length) {
  console.error(`terraform-check: ${files.length} files in ${moduleDirs.length} modules, ${problems.length} problem(s)`
    + ` (AWS provider schema ${schema.provider.version} from ${schema.package})`);
}
process.exit(problems.length ? 1 : 0);
