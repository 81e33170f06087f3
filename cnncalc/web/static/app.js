// cnncalc's page: every number comes from the server's API (the same library as the CLI);
// this file only draws it. Text from users or the server is set with textContent, never
// parsed as HTML.
"use strict";

const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children (strings become text nodes, never HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

const number = (n) => (n === null || n === undefined ? "?" : n.toLocaleString("en-US"));

/** A size as Keras and the CLI print it: powers of 1024, two decimals ("136.04 KB"); an exact
 * tie rounds to even, as Python's format does (1,152 bytes: "1.12 KB"). */
function readableSize(bytes) {
  if (bytes === null || bytes === undefined) return "?";
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  const cents = size * 100;
  const tieToEven = cents % 1 === 0.5 && Math.floor(cents) % 2 === 0;
  return `${(tieToEven ? Math.floor(cents) / 100 : size).toFixed(2)} ${units[unit]}`;
}
const shapeText = (shape) =>
  "(" + shape.map((d) => (d === null ? "None" : String(d))).join(", ") + (shape.length === 1 ? ",)" : ")");

/** Call the API; resolves to {ok, status, data}: data is JSON, or text for text replies (and
 * for every success when asText: a spec keeps its layout). */
async function call(method, path, body, contentType, asText = false) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.body = body;
    if (contentType) options.headers["content-type"] = contentType;
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (failure) {
    return { ok: false, status: 0, data: { error: "the cnncalc server does not answer: is `cnncalc serve` still running?" } };
  }
  const type = response.headers.get("content-type") || "";
  const json = type.includes("json") && !(asText && response.ok);
  const data = json ? await response.json() : await response.text();
  return { ok: response.ok, status: response.status, data };
}

function showError(box, message) {
  box.textContent = pageWords(message || "");
  box.hidden = !message;
}

/** The library's messages name the CLI's options; the page has fields and lists instead. */
const PAGE_WORDS = [
  [/--batch-size\b/g, "Batch size"],
  [/^batch_size=/, "Batch size "],
  [/--dtype\b/g, "dtype"],
  [/^dtype=/, "dtype "],
  [/--optimizer\b/g, "Optimizer"],
  [/^optimizer=/, "Optimizer "],
  [/but --spec is /g, "but the Network list has "],
  [/leave out --spec to grade the sheet's own/g, "choose “each file's exercise: line” to grade the sheet's own"],
  [/give the network with --spec/g, "choose its network in the Network list"],
];
const pageWords = (message) => PAGE_WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), message);

// ---------------------------------------------------------------- tabs

function selectTab(id) {
  // the Exercise tab opens on a worksheet (the one its lists name), not on an empty page
  if (id === "exercise" && !sheetState.sheet && !sheetState.asked) newWorksheet();
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.getAttribute("aria-controls") === id;
    tab.setAttribute("aria-selected", String(selected));
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
}

// ---------------------------------------------------------------- calculator

const state = { schema: null, spec: null, analysis: null, selected: 0, timer: null, diagram: true, costs: false };
const SKIPPED_ARGUMENTS = new Set(["type", "inputs", "trainable", "data_format"]);

/** The arguments the form shows for a layer type: its own, not the ones Keras accepts and ignores. */
function argumentsOf(type) {
  const definition = state.schema && state.schema.$defs[type];
  if (!definition) return [];
  const required = new Set(definition.required || []);
  return Object.entries(definition.properties)
    .filter(([name, property]) => !SKIPPED_ARGUMENTS.has(name) && !(property.description || "").startsWith("Accepted and ignored"))
    .map(([name, property]) => ({ name, required: required.has(name), default: property.default }));
}

const valueText = (value) => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** What a user typed in a form field: JSON (3, [3, 3], true), "3, 3" as a list, else text. */
function parseValue(text) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (/^-?\d+(\s*,\s*-?\d+)+$/.test(trimmed)) return trimmed.split(",").map(Number);
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** JSON with one layer per line, as `cnncalc import` writes specs. */
function specText(spec) {
  const { layers, ...head } = spec;
  const headText = JSON.stringify(head).slice(1, -1);
  const body = (layers || []).map((layer) => "    " + JSON.stringify(layer)).join(",\n");
  return "{" + (headText ? headText + ", " : "") + '"layers": [\n' + body + "\n]}";
}

function parsedSpec(text) {
  if (!text.trim()) return { layers: [] }; // an empty box: a new network, built in the form
  if (!text.trim().startsWith("{")) return null;
  try {
    const spec = JSON.parse(text);
    return spec && Array.isArray(spec.layers) ? spec : null;
  } catch {
    return null;
  }
}

function drawBuilder() {
  const builder = $("#builder");
  builder.replaceChildren();
  const spec = state.spec;
  if (!spec) {
    builder.append(el("p", { class: "note", text: "The form edits JSON specs; edit this one in the text box below." }));
    return;
  }
  const inputShape = el("input", { id: "input-shape", value: valueText(spec.input_shape), placeholder: "[28, 28, 1]" });
  inputShape.addEventListener("change", () => {
    const value = parseValue(inputShape.value);
    if (value === undefined) delete spec.input_shape;
    else spec.input_shape = value;
    fromBuilder();
  });
  builder.append(el("div", { class: "layer-row" }, el("label", {}, "input_shape (without the batch)", inputShape)));
  spec.layers.forEach((layer, index) => builder.append(layerRow(layer, index)));
  const newType = el("select", { id: "new-layer-type", "aria-label": "Type of the new layer" }, ...layerTypes().options());
  newType.value = "Conv2D";
  const add = el("button", {
    id: "add-layer",
    text: "Add layer",
    onclick: () => {
      spec.layers.push({ type: newType.value });
      fromBuilder(true);
    },
  });
  builder.append(el("div", { class: "toolbar" }, newType, add));
}

// The lecture's layers first: a student looks for these, not for ActivityRegularization.
const COMMON_TYPES = [
  "Conv2D", "MaxPooling2D", "Dense", "Flatten", "Dropout", "BatchNormalization", "Activation",
  "AveragePooling2D", "GlobalAveragePooling2D", "ZeroPadding2D", "Add", "Concatenate",
];

/** Every layer type the schema knows (its "Layer" union's members: "Layer" itself is none):
 * the common ones first, then the rest A–Z, each once. */
function layerTypes() {
  const union = state.schema && state.schema.$defs.Layer;
  const types = Object.keys(union ? union.discriminator.mapping : {}).sort();
  const common = COMMON_TYPES.filter((type) => types.includes(type));
  const option = (type) => el("option", { text: type });
  return {
    types,
    options: () => [
      el("optgroup", { label: "Common" }, ...common.map(option)),
      el("optgroup", { label: "All others, A–Z" }, ...types.filter((type) => !common.includes(type)).map(option)),
    ],
  };
}

function layerRow(layer, index) {
  const row = el("div", { class: "layer-row", "data-layer": String(index) });
  row.append(el("span", { class: "index", text: String(index) }));
  const { types, options } = layerTypes();
  const type = el("select", { "aria-label": `layer ${index} type`, name: "type" }, ...options());
  if (!types.includes(layer.type)) type.prepend(el("option", { text: String(layer.type) }));
  type.value = String(layer.type);
  type.addEventListener("change", () => {
    state.spec.layers[index] = { type: type.value };
    fromBuilder(true);
  });
  row.append(el("label", {}, "type", type));
  const shown = argumentsOf(layer.type);
  const names = new Set(shown.map((argument) => argument.name));
  for (const key of Object.keys(layer)) {
    if (key !== "type" && !names.has(key)) shown.push({ name: key, required: false, default: undefined });
  }
  for (const argument of shown) {
    const input = el("input", {
      name: argument.name,
      "aria-label": `layer ${index} ${argument.name}`,
      value: valueText(layer[argument.name]),
      placeholder: argument.default === undefined ? (argument.required ? "required" : "") : valueText(argument.default),
    });
    input.addEventListener("change", () => {
      const value = parseValue(input.value);
      if (value === undefined) delete layer[argument.name];
      else layer[argument.name] = value;
      fromBuilder();
    });
    row.append(el("label", { class: argument.required ? "required" : "" }, argument.name, input));
  }
  row.append(
    el("button", {
      class: "remove",
      title: "Remove this layer",
      "aria-label": `remove layer ${index}`,
      text: "✕",
      onclick: () => {
        state.spec.layers.splice(index, 1);
        fromBuilder(true);
      },
    }),
  );
  return row;
}

/** The form changed: it writes the text box, which is what gets analyzed. */
function fromBuilder(redraw = false) {
  $("#spec").value = specText(state.spec);
  forgetComparison();
  if (redraw) drawBuilder();
  analyzeSoon(0);
}

/** The text box changed: redraw the form from it (when it is JSON) and analyze. */
function fromText() {
  state.spec = parsedSpec($("#spec").value);
  forgetComparison();
  drawBuilder();
  analyzeSoon(300);
}

function analyzeSoon(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(analyze, delay);
}

let analysisNumber = 0;

async function analyze() {
  const text = $("#spec").value;
  const mine = ++analysisNumber;
  if (!text.trim()) {
    markErrors(null);
    clearSummary();
    $("#model-name").textContent = "No network yet: pick a preset, open a model, or give input_shape and add layers in the form.";
    return;
  }
  const isJson = text.trim().startsWith("{");
  const query = new URLSearchParams({ explain: "true", ...costOptions() });
  const reply = await call("POST", `/api/analyze?${query}`, text, isJson ? "application/json" : "application/yaml");
  if (mine !== analysisNumber) return; // a newer edit has been sent since
  const costField = reply.ok ? null : costFieldOf(reply.data.error);
  markCostError(costField, costField && reply.data.error);
  if (costField) return; // the network is fine: its summary stays while the option is put right
  markErrors(reply.ok ? null : reply.data.error);
  if (!reply.ok) return clearSummary();
  state.analysis = reply.data;
  drawSummary(reply.data);
  drawDiagram(text, isJson);
}

/** No network to show (an error, or an empty box): nothing of the last one may stay. */
function clearSummary() {
  $("#layers").hidden = true;
  $("#totals").replaceChildren();
  $("#cost-figures").replaceChildren();
  $("#diagram").hidden = true;
  $("#working").textContent = "";
  $("#working-layer").textContent = "";
  $("#model-name").textContent = "";
}

/** An error names the layer ("layers[3]…", "layer 3 'name' (Conv2D): …") and maybe the field. */
function markErrors(message) {
  showError($("#error"), message);
  for (const node of document.querySelectorAll(".has-error")) node.classList.remove("has-error");
  for (const node of document.querySelectorAll(".row-error")) node.remove();
  if (!message) return;
  const pattern = /(?:^|\s|;)layers\[(\d+)\](?:\.(\w+))?|^layer (\d+) /gm;
  for (const match of message.matchAll(pattern)) {
    const index = match[1] ?? match[3];
    const row = document.querySelector(`.layer-row[data-layer="${index}"]`);
    if (!row) continue;
    row.classList.add("has-error");
    if (!row.querySelector(".row-error")) row.append(el("div", { class: "row-error", role: "note", text: lineFor(message, index) }));
    const field = match[2] && row.querySelector(`input[name="${CSS.escape(match[2])}"]`);
    if (field) field.classList.add("has-error");
  }
}

function lineFor(message, index) {
  return message.split("\n").find((line) => line.includes(`layers[${index}]`) || line.startsWith(`layer ${index} `)) || message;
}

function drawSummary(data) {
  $("#model-name").textContent = data.name ? `Model: "${data.name}"` : "";
  const isGraph = data.layers.some((layer, i) => {
    const previous = i === 0 ? [] : [data.layers[i - 1].name];
    return layer.inputs.length > 0 && JSON.stringify(layer.inputs) !== JSON.stringify(previous) && i > 0;
  });
  const table = $("#layers");
  table.classList.toggle("graph", isGraph);
  const body = table.querySelector("tbody");
  body.replaceChildren(
    ...data.layers.map((layer, index) =>
      el(
        "tr",
        { "data-layer": String(index), onclick: () => selectLayer(index) },
        el("td", { class: "num", text: String(index) }),
        el("td", { text: `${layer.name} (${layer.type})` }),
        el("td", { class: "shape", text: shapeText(layer.output_shape) }),
        el("td", { class: "num", text: number(layer.params) }),
        el("td", { class: "num macs", text: number(layer.macs) }),
        el("td", { class: "connected", text: layer.inputs.join(", ") }),
      ),
    ),
  );
  table.hidden = false;
  $("#totals").replaceChildren(
    el("p", { class: "total", id: "total-params", text: `Total params: ${number(data.total_params)}` }),
    el("p", { text: `Trainable params: ${number(data.trainable_params)}` }),
    el("p", { text: `Non-trainable params: ${number(data.non_trainable_params)}` }),
  );
  drawCosts(data);
  selectLayer(Math.min(state.selected, data.layers.length - 1));
}

/** Costs (issue 9) appear when the analysis carries them: MACs per layer, totals, memory. */
function drawCosts(data) {
  const hasCosts = data.total_macs !== undefined;
  state.costs = state.costs || hasCosts;
  $("#costs").hidden = !state.costs;
  $("#layers").classList.toggle("costs", hasCosts);
  if (!hasCosts) return;
  const memory = data.memory || {};
  const parts = [
    ["params", memory.params_bytes],
    ["gradients", memory.gradients_bytes],
    ["optimizer", memory.optimizer_bytes],
    ["activations", memory.activations_bytes],
  ].map(([name, size]) => `${name} ${readableSize(size)}`);
  $("#cost-figures").replaceChildren(
    el("p", { id: "total-macs", text: `MACs: ${number(data.total_macs)} (FLOPs: ${number(data.total_flops)})` }),
    el("p", {
      id: "memory",
      title: "Estimated from the shapes: framework workspace, allocator overhead and fused kernels are left out",
      text: `Memory for a batch of ${memory.batch_size} (${memory.dtype}, ${memory.optimizer}): training ${readableSize(memory.training_bytes)} (${parts.join(", ")}), inference peak ${readableSize(memory.inference_peak_bytes)}`,
    }),
  );
}

const COST_FIELDS = { "#batch-size": /^(--batch-size\b|batch_size=)/, "#dtype": /^(--dtype\b|dtype=)/, "#optimizer": /^(--optimizer\b|optimizer=)/ };

/** The cost option an error is about (the library's messages start with its name), if any. */
const costFieldOf = (message) => Object.keys(COST_FIELDS).find((field) => COST_FIELDS[field].test(message || "")) || null;

/** An error in a cost option is shown beside the options, its field outlined. */
function markCostError(field, message) {
  for (const name of Object.keys(COST_FIELDS)) $(name).classList.toggle("has-error", name === field);
  showError($("#cost-error"), message);
}

/** The cost options as query parameters, once the server has shown it computes costs. */
function costOptions() {
  if (!state.costs) return {};
  const given = { batch_size: "#batch-size", dtype: "#dtype", optimizer: "#optimizer" };
  const options = {};
  for (const [name, field] of Object.entries(given)) if ($(field).value.trim()) options[name] = $(field).value.trim();
  return options;
}

function selectLayer(index) {
  state.selected = index;
  const layer = state.analysis.layers[index];
  for (const row of document.querySelectorAll("#layers tbody tr")) row.classList.toggle("selected", row.dataset.layer === String(index));
  $("#working-layer").textContent = layer ? `— ${layer.name} (${layer.type})` : "";
  const lines = layer ? [...(layer.working || []), ...(layer.cost_working || [])] : [];
  $("#working").textContent = lines.length ? lines.join("\n") : "Nothing to compute: the shape passes through.";
}

/** The diagram (issue 10), when the server offers one; a 404 turns the panel off for good. */
async function drawDiagram(text, isJson) {
  const figure = $("#diagram");
  if (!state.diagram) return;
  const response = await fetch("/api/diagram", {
    method: "POST",
    body: text,
    headers: { "content-type": isJson ? "application/json" : "application/yaml" },
  }).catch(() => null);
  if (!response || response.status === 404) {
    state.diagram = false;
    figure.hidden = true;
    return;
  }
  if (!response.ok) return;
  const image = figure.querySelector("img");
  if (image.src) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(new Blob([await response.text()], { type: "image/svg+xml" }));
  figure.hidden = false;
}

async function loadPreset(name) {
  if (!name) return;
  const reply = await call("GET", `/api/presets/${encodeURIComponent(name)}`, undefined, undefined, true);
  if (!reply.ok) return showError($("#error"), reply.data.error);
  $("#spec").value = reply.data;
  state.selected = 0;
  fromText();
  analyzeSoon(0);
}

/** A dropped or chosen file: a saved summary (.txt) is compared; anything else is imported. */
async function openFile(file, isSummary = /\.(txt|log)$/i.test(file ? file.name : "")) {
  if (!file) return;
  if (isSummary) return compareWith(await file.text());
  const reply = await call("POST", "/api/import", await file.arrayBuffer(), "application/octet-stream", true);
  if (!reply.ok) return showError($("#error"), reply.data.error);
  $("#spec").value = reply.data;
  fromText();
  analyzeSoon(0);
}

/** A comparison is of the network it was made with: it goes when the network changes. */
function forgetComparison() {
  $("#comparison").hidden = true;
  $("#comparison pre").textContent = "";
}

async function compareWith(summary) {
  const box = $("#comparison");
  const body = JSON.stringify({ spec: $("#spec").value, summary });
  // partial: a printout cut short (a notebook cell's) is compared as far as it goes
  const reply = await call("POST", "/api/compare?format=table&partial=true", body, "application/json");
  box.hidden = false;
  box.querySelector("pre").textContent = reply.ok ? reply.data : reply.data.error;
}

function setUpDrop(panel) {
  panel.addEventListener("dragover", (event) => {
    event.preventDefault();
    panel.classList.add("drop-target");
  });
  panel.addEventListener("dragleave", () => panel.classList.remove("drop-target"));
  panel.addEventListener("drop", (event) => {
    event.preventDefault();
    panel.classList.remove("drop-target");
    openFile(event.dataTransfer.files[0]);
  });
}

// ---------------------------------------------------------------- exercise

const sheetState = { sheet: null, asked: 0 };
// Format hints only: a number greyed in a field reads as a hint (or the answer) for every row.
const FIELD_EXAMPLES = { output_shape: "shape, e.g. HxWxC", params: "count", macs: "count", receptive_field: "e.g. HxW" };

/** What the worksheet asks: its fields per layer (output_shape and params unless it says). */
const askedFields = (sheet) => sheet.fields || ["output_shape", "params"];
const totalFields = (sheet) => Object.keys(sheet).filter((key) => key.startsWith("total_"));

/** The worksheet and its buttons, shown or put away. */
function showSheet(shown) {
  $("#sheet").hidden = !shown;
  $("#exercise-check").disabled = !shown;
  $("#exercise-reveal").disabled = !shown;
}

async function newWorksheet() {
  const choice = $("#exercise-network").value;
  const reference = choice === "random" ? `random:${$("#exercise-difficulty").value}:${$("#exercise-seed").value || 0}` : choice;
  const fields = ["output_shape", "params", ...[...document.querySelectorAll(".ask-field:checked")].map((box) => box.value)];
  const query = new URLSearchParams({ spec: reference, fields: fields.join(",") });
  const mine = ++sheetState.asked;
  showSheet(false); // nothing may be typed into the old sheet while the new one comes
  const reply = await call("GET", `/api/exercise?${query}`);
  if (mine !== sheetState.asked) return; // a newer worksheet has been asked for since
  showError($("#exercise-error"), reply.ok ? "" : reply.data.error);
  if (!reply.ok) return showSheet(sheetState.sheet !== null);
  const sheet = reply.data;
  sheetState.sheet = sheet;
  const asked = askedFields(sheet);
  $("#exercise-intro").textContent = `Exercise ${sheet.exercise}: input shape ${shapeText(sheet.input_shape || [])}. ${sheet.instructions.split(". Then:")[0]}.`;
  $("#sheet thead").replaceChildren(el("tr", {}, ...["Layer", "Type", "Given", ...asked, "Result"].map((title) => el("th", { text: title }))));
  const input = (label, name) => el("td", {}, el("input", { name, "aria-label": `${label} ${name.replace("_", " ")}`, placeholder: FIELD_EXAMPLES[name] || "" }));
  $("#sheet tbody").replaceChildren(
    ...sheet.layers.map((layer) =>
      el(
        "tr",
        { "data-layer": layer.name },
        el("td", { text: layer.name }),
        el("td", { text: layer.type }),
        el("td", { text: Object.entries(layer.given).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ") }),
        ...asked.map((field) => input(layer.name, field)),
        el("td", { class: "result" }),
      ),
    ),
    ...totalFields(sheet).map((total) =>
      el(
        "tr",
        { "data-total": total },
        el("td", { colspan: "3", text: total }),
        // each total under its own field's column (total_macs under macs)
        ...asked.map((field) =>
          el("td", {}, total === `total_${field}` ? el("input", { name: total, "aria-label": total.replace("_", " ") }) : null),
        ),
        el("td", { class: "result" }),
      ),
    ),
  );
  showSheet(true);
  $("#exercise-score").textContent = "";
}

/** The filled-in worksheet as an answer file (JSON), blanks as null. */
function answers() {
  const sheet = sheetState.sheet;
  const value = (row, name) => row.querySelector(`input[name="${name}"]`).value.trim() || null;
  const filled = { exercise: sheet.exercise, fields: askedFields(sheet), layers: [] };
  for (const row of document.querySelectorAll("#sheet tbody tr[data-layer]")) {
    const layer = { name: row.dataset.layer };
    for (const field of askedFields(sheet)) layer[field] = value(row, field);
    filled.layers.push(layer);
  }
  for (const row of document.querySelectorAll("#sheet tbody tr[data-total]")) filled[row.dataset.total] = value(row, row.dataset.total);
  return filled;
}

const MARKS = { correct: "✓", carried_forward: "↪", wrong: "✗", missing: "·" };

function answerText(field, expected) {
  if (field === "output_shape") return shapeText(expected);
  if (Array.isArray(expected)) return expected.join("×");
  return typeof expected === "number" ? number(expected) : String(expected);
}

async function checkAnswers(reveal) {
  const query = `name=answers.json&reveal=${reveal}`;
  const reply = await call("POST", `/api/check?${query}`, JSON.stringify(answers()), "application/json");
  showError($("#exercise-error"), reply.ok ? "" : reply.data.error);
  if (!reply.ok) return;
  const report = reply.data;
  if (report.error) return showError($("#exercise-error"), report.error);
  for (const cell of document.querySelectorAll("#sheet .result")) cell.replaceChildren();
  for (const item of report.items) {
    const row = item.layer
      ? document.querySelector(`#sheet tbody tr[data-layer="${CSS.escape(item.layer)}"]`)
      : document.querySelector(`#sheet tbody tr[data-total="${CSS.escape(item.field)}"]`);
    if (!row) continue;
    const label = `${MARKS[item.status]} ${item.field}: ${item.status.replace("_", " ")}${item.mistake ? ` (${item.mistake})` : ""}`;
    const parts = [el("span", { class: `status status-${item.status}`, "data-field": item.field, text: label })];
    const hint = item.status !== "correct" ? item.hint || "" : "";
    if (hint) parts.push(el("span", { class: "hint-text", text: hint }));
    // a revealed hint already ends "Answer: 320.": the answer is added only where none says it
    if (reveal && item.expected !== null && !hint.includes("Answer: ")) parts.push(el("span", { class: "expected", text: `answer: ${answerText(item.field, item.expected)}` }));
    row.querySelector(".result").append(el("div", { class: "item" }, ...parts));
  }
  $("#exercise-score").textContent = `Score: ${report.score}/${report.max_score}`;
}

// ---------------------------------------------------------------- class

async function classFiles() {
  const files = [...$("#class-files").files];
  return Promise.all(files.map(async (file) => ({ name: file.name, text: await file.text() })));
}

function classQuery(format) {
  const spec = $("#class-network").value;
  return `/api/class?format=${format}` + (spec ? `&spec=${encodeURIComponent(spec)}` : "");
}

async function gradeClass() {
  const files = await classFiles();
  if (files.length === 0) return showError($("#class-error"), "choose the answer files first");
  const body = JSON.stringify({ files });
  const reply = await call("POST", classQuery("json"), body, "application/json");
  showError($("#class-error"), reply.ok ? "" : reply.data.error);
  if (!reply.ok) return;
  const reports = reply.data.submissions || [reply.data];
  $("#class-scores tbody").replaceChildren(
    ...reports.map((report) =>
      el(
        "tr",
        {},
        el("td", { text: report.file }),
        el("td", { class: "num", text: report.error ? "" : String(report.score) }),
        el("td", { class: "num", text: report.error ? "" : String(report.max_score) }),
        el("td", { class: "num", text: report.error ? "" : `${Math.round((100 * report.score) / report.max_score)}%` }),
        el("td", { text: pageWords(report.error || "") }),
      ),
    ),
  );
  $("#class-scores").hidden = false;
  $("#class-downloads").hidden = false;
  const table = await call("POST", classQuery("table"), body, "application/json");
  const report = $("#class-report");
  report.textContent = pageWords(table.ok ? table.data : table.data.error);
  $("#class-details").hidden = false;
  report.scrollTop = report.scrollHeight; // the class summary and most missed items come last
}

async function download(format, filename) {
  const files = await classFiles();
  const response = await fetch(classQuery(format), { method: "POST", body: JSON.stringify({ files }), headers: { "content-type": "application/json" } });
  if (!response.ok) return showError($("#class-error"), (await response.json()).error);
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---------------------------------------------------------------- start

async function start() {
  for (const tab of document.querySelectorAll('[role="tab"]')) tab.addEventListener("click", () => selectTab(tab.getAttribute("aria-controls")));
  $("#spec").addEventListener("input", fromText);
  for (const option of ["#batch-size", "#dtype", "#optimizer"]) $(option).addEventListener("change", () => analyzeSoon(0));
  $("#preset").addEventListener("change", (event) => loadPreset(event.target.value));
  $("#new-network").addEventListener("click", () => {
    $("#spec").value = "";
    $("#preset").value = "";
    fromText();
  });
  // Each input is emptied after use, so that choosing the same file again (edited) is a change.
  $("#model-file").addEventListener("change", async (event) => {
    await openFile(event.target.files[0]);
    event.target.value = "";
  });
  $("#summary-file").addEventListener("change", async (event) => {
    await openFile(event.target.files[0], true);
    event.target.value = "";
  });
  setUpDrop($("#calculator"));
  $("#exercise-new").addEventListener("click", newWorksheet);
  $("#exercise-check").addEventListener("click", () => checkAnswers(false));
  $("#exercise-reveal").addEventListener("click", () => checkAnswers(true));
  $("#class-grade").addEventListener("click", gradeClass);
  $("#download-csv").addEventListener("click", () => download("csv", "gradebook.csv"));
  $("#download-gradescope").addEventListener("click", () => download("gradescope", "results.json"));

  const [schema, presets] = await Promise.all([call("GET", "/api/schema"), call("GET", "/api/presets")]);
  state.schema = schema.data;
  const names = presets.ok ? presets.data.map((preset) => preset.name) : [];
  for (const preset of presets.ok ? presets.data : []) {
    $("#preset").append(el("option", { value: preset.name, text: `${preset.name} — ${number(preset.total_params)} params` }));
  }
  $("#exercise-network").append(...names.map((name) => el("option", { value: name, text: name })), el("option", { value: "random", text: "a random network" }));
  $("#exercise-network").value = names.includes("mnist") ? "mnist" : names[0];
  $("#class-network").append(...names.map((name) => el("option", { value: name, text: name })));
  document.body.dataset.ready = "true";
  await loadPreset("mnist");
  $("#preset").value = "mnist";
}

start();
