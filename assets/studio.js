// The elplan studio's script: sends each change of the district form to the
// server and puts the plan it answers with in place, with the change
// highlighted; asks for explanations, sweeps and saves. Plain JavaScript,
// no library: the server renders every piece of HTML.
"use strict";

// The list of district files: a search box narrows it.
(function () {
  const find = document.getElementById("find");
  if (!find) return;
  const items = Array.from(document.querySelectorAll("#file-list li"));
  find.addEventListener("input", () => {
    const words = find.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of items) item.hidden = !words.every((w) => item.dataset.search.includes(w));
  });
})();

(function () {
  const studio = document.getElementById("studio");
  if (!studio) return;
  const file = studio.dataset.file;
  let base = studio.dataset.base;
  const form = document.getElementById("district");
  const planBody = document.getElementById("plan-body");
  const status = document.getElementById("status");
  const explainBody = document.getElementById("explain-body");

  // Each field's value as RON, the way `--set` takes it.
  function ronValue(field) {
    const kind = field.dataset.kind;
    if (kind === "choices") {
      const boxes = Array.from(field.querySelectorAll("input[type=checkbox]"));
      if (boxes[0].checked) return "None";
      return "[" + boxes.slice(1).filter((b) => b.checked).map((b) => b.value).join(", ") + "]";
    }
    const input = field.querySelector("select, input");
    const text = input.value.trim();
    if (kind === "yesno" || kind === "choice") return text;
    if (text === "" || text.toLowerCase() === "unknown") return "None";
    if (kind === "text") return JSON.stringify(text);
    return text;
  }

  const fields = Array.from(form.querySelectorAll(".field"));
  for (const field of fields) field.dataset.original = ronValue(field);

  // The changes from the file: [path, RON value] pairs, in form order.
  function currentSet() {
    const set = [];
    for (const field of fields) {
      const value = ronValue(field);
      if (value !== field.dataset.original) set.push([field.dataset.path, value]);
    }
    return set;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data;
    try {
      data = await response.json();
    } catch (e) {
      data = { ok: false, error: await response.text().catch(() => String(e)) };
    }
    return { status: response.status, data };
  }

  function say(text) {
    status.textContent = text;
  }

  function clearProblems() {
    for (const p of form.querySelectorAll(".problem")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const f of fields) f.classList.remove("invalid");
  }

  // Each problem beside its field; one the server cannot place goes on top.
  function showProblems(problems) {
    for (const problem of problems) {
      const field = fields.find((f) => f.dataset.path === problem.path);
      const where = field ? field.querySelector(".problem") : document.getElementById("problems");
      where.textContent = (where.textContent ? where.textContent + " " : "") + problem.message;
      where.hidden = false;
      if (field) {
        field.classList.add("invalid");
        const details = field.closest("details");
        if (details) details.open = true;
      }
    }
  }

  // The last set planned, so the server can say what the newest change did.
  let previous = [];
  let sequence = 0;
  window.elplanLatencies = [];

  function markChanged(set) {
    const changed = new Set(set.map((c) => c[0]));
    for (const f of fields) f.classList.toggle("changed", changed.has(f.dataset.path));
    const count = set.length;
    document.getElementById("changed-count").textContent =
      count === 0 ? "no changes" : count === 1 ? "1 change, not saved" : count + " changes, not saved";
    for (const id of ["undo-all", "save-file", "save-new", "scenario-save"]) {
      document.getElementById(id).disabled = count === 0;
    }
  }

  async function replan() {
    const started = performance.now();
    const mine = ++sequence;
    const set = currentSet();
    const { data } = await post("/api/plan", { file, set, previous });
    if (mine !== sequence) return; // a later change is on its way
    clearProblems();
    if (!data.ok) {
      if (data.problems) showProblems(data.problems);
      else showProblems([{ path: "", message: data.error || "the plan could not be made" }]);
      planBody.classList.add("stale");
      say("The plan shows the last valid answers: fix the answer marked in red.");
      return;
    }
    planBody.innerHTML = data.html;
    planBody.classList.remove("stale");
    previous = set;
    markChanged(set);
    say("");
    window.elplanLatencies.push(performance.now() - started);
    document.body.dataset.planned = String(mine);
    // The explanation shown follows the what-if.
    const shown = explainBody.dataset.id;
    if (shown) {
      const item = planBody.querySelector(`[data-id="${CSS.escape(shown)}"]`);
      if (item) item.classList.add("selected");
      explain(shown);
    }
  }

  form.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.closest(".field")) return; // the year being added, not yet an answer
    if (box.type === "checkbox") {
      const group = Array.from(box.closest(".choices").querySelectorAll("input"));
      if (box.classList.contains("unknown-box") && box.checked) {
        for (const other of group.slice(1)) other.checked = false;
      } else if (box.checked) {
        group[0].checked = false;
      }
    }
    replan();
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  // A school year the file lacks: its fields, all unknown, addressed as
  // history[YEAR].FIELD; what is filled in is a change like any other.
  document.getElementById("add-year-button").addEventListener("click", () => {
    const input = document.getElementById("add-year");
    const year = input.value.trim();
    if (!/^\d{4}-\d{2}$/.test(year) || fields.some((f) => f.dataset.path.startsWith(`history[${year}].`))) {
      input.setCustomValidity("a school year not yet in the form, like 2024-25");
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    const row = document.getElementById("new-year").content.firstElementChild.cloneNode(true);
    row.querySelector("legend").textContent = year;
    for (const field of row.querySelectorAll(".field")) {
      const path = field.dataset.path.replace(/^history\./, `history[${year}].`);
      field.dataset.path = path;
      const control = field.querySelector("input, select");
      control.id = "f-" + path;
      control.name = path;
      field.querySelector("label").htmlFor = control.id;
      field.querySelector("code").textContent = path;
      field.dataset.original = ronValue(field);
      fields.push(field);
    }
    document.getElementById("years-added").append(row);
    input.value = "";
  });

  document.getElementById("undo-all").addEventListener("click", () => {
    form.reset();
    replan();
  });

  // Why: a click (or Enter) on any finding or strategy.
  async function explain(id) {
    const { data } = await post("/api/explain", { file, set: currentSet(), id });
    explainBody.textContent = "";
    const title = document.createElement("h3");
    const text = document.createElement("pre");
    if (data.ok) {
      title.textContent = data.title;
      text.textContent = data.text;
    } else {
      title.textContent = "Cannot explain this";
      text.textContent = data.error || (data.problems || []).map((p) => p.message).join("\n");
    }
    explainBody.append(title, text);
    explainBody.dataset.id = id;
  }
  function explainFrom(event) {
    const item = event.target.closest("[data-id]");
    if (!item) return;
    for (const other of planBody.querySelectorAll(".selected")) other.classList.remove("selected");
    item.classList.add("selected");
    explain(item.dataset.id);
  }
  planBody.addEventListener("click", explainFrom);
  planBody.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      explainFrom(event);
    }
  });

  // Sweep: the plan along one answer, drawn as a chart.
  const sweepPath = document.getElementById("sweep-path");
  const sweepRange = document.getElementById("sweep-range");
  // A range to start from: a share or rate from 0 to 1; another number
  // from 0 (or twice a negative answer) to twice the answer, at least 10.
  const numericKinds = ["number", "fraction"];
  function sweepDefaults() {
    const option = sweepPath.selectedOptions[0];
    if (!option) return;
    const kind = option.dataset.kind;
    sweepRange.hidden = !numericKinds.includes(kind);
    if (sweepRange.hidden) return;
    const now = parseFloat(option.dataset.value) || 0;
    const [from, to, step] =
      kind === "fraction"
        ? ["0", "1", "0.05"]
        : [String(Math.min(0, Math.floor(now * 2))), String(Math.max(10, Math.ceil(now * 2))), "1"];
    document.getElementById("sweep-from").value = from;
    document.getElementById("sweep-to").value = to;
    document.getElementById("sweep-step").value = step;
  }
  sweepPath.addEventListener("change", sweepDefaults);
  sweepDefaults();

  const SVG = "http://www.w3.org/2000/svg";
  function svg(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The plan's size (strategies scheduled) at every value, a step at each
  // breakpoint, values the district cannot take shaded, and the district's
  // answer now marked.
  function drawChart(result, option) {
    const chart = document.getElementById("sweep-chart");
    const list = document.getElementById("sweep-list");
    chart.textContent = "";
    list.textContent = "";
    const points = result.points;
    const width = 420, height = 210, left = 36, right = 12, top = 18, bottom = 48;
    const sizes = points.filter((p) => p.valid).map((p) => p.strategies);
    const high = Math.max(1, ...sizes) + 1;
    const low = Math.max(0, Math.min(high - 1, ...sizes) - 2);
    const x = (i) => left + (points.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (points.length - 1));
    const y = (v) => top + (1 - (v - low) / (high - low)) * (height - top - bottom);
    const drawing = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", id: "sweep-svg" });
    drawing.append(svg("title", {}, `Strategies in the plan as the answer varies: ${option.textContent}`));
    drawing.append(svg("line", { x1: left, y1: y(low), x2: width - right, y2: y(low), class: "axis" }));
    drawing.append(svg("line", { x1: left, y1: top, x2: left, y2: y(low), class: "axis" }));
    for (const v of [low, high]) drawing.append(svg("text", { x: left - 4, y: y(v) + 4, class: "tick end" }, String(v)));
    drawing.append(svg("text", { x: 4, y: top - 6, class: "tick" }, "strategies in the plan"));
    const step = (width - left - right) / Math.max(1, points.length - 1);
    points.forEach((p, i) => {
      if (!p.valid) {
        const band = svg("rect", { x: x(i) - step / 2, y: top, width: Math.max(3, step), height: y(low) - top, class: "invalid" });
        band.append(svg("title", {}, `${p.value}: ${p.changes[0]}`));
        drawing.append(band);
      }
    });
    const now = option.dataset.value;
    const at = points.findIndex((p) => p.value === now || (now !== "" && Number(p.value) === Number(now)));
    if (at >= 0) {
      drawing.append(svg("line", { x1: x(at), y1: top, x2: x(at), y2: y(low), class: "now" }));
      drawing.append(svg("text", { x: x(at) + 3, y: top + 10, class: "tick" }, "now"));
    }
    let d = "";
    let open = false;
    points.forEach((p, i) => {
      if (!p.valid) {
        open = false;
        return;
      }
      d += open ? `H${x(i)}V${y(p.strategies)}` : `M${x(i)},${y(p.strategies)}`;
      open = true;
    });
    drawing.append(svg("path", { d, class: "line" }));
    points.forEach((p, i) => {
      if (!p.valid || p.changes.length === 0) return;
      const dot = svg("circle", { cx: x(i), cy: y(p.strategies), r: 5, class: "breakpoint", tabindex: 0 });
      dot.append(svg("title", {}, `${p.value}: ${p.changes.join("; ")}`));
      drawing.append(dot);
      const item = document.createElement("li");
      const head = document.createElement("b");
      head.textContent = `at ${p.value}`;
      const changes = document.createElement("ul");
      for (const c of p.changes) {
        const line = document.createElement("li");
        line.textContent = c;
        line.className = c.startsWith("+") ? "plus" : c.startsWith("-") ? "minus" : "moved";
        changes.append(line);
      }
      item.append(head, changes);
      list.append(item);
    });
    const labels = points.length <= 8 ? points.map((_, i) => i) : [0, Math.floor((points.length - 1) / 2), points.length - 1];
    for (const i of labels) {
      drawing.append(svg("text", { x: x(i), y: height - bottom + 16, class: "tick middle" }, points[i].value));
    }
    const label = option.textContent.length > 70 ? option.textContent.slice(0, 68) + "…" : option.textContent;
    drawing.append(svg("text", { x: (width + left) / 2, y: height - 10, class: "tick middle" }, label));
    chart.append(drawing);
    const skipped = points.filter((p) => !p.valid).length;
    if (skipped) {
      const item = document.createElement("li");
      item.textContent = `${skipped} value${skipped === 1 ? "" : "s"} skipped (shaded): the district cannot take ${skipped === 1 ? "it" : "them"}; hover for why.`;
      list.append(item);
    }
    if (!list.children.length) {
      const item = document.createElement("li");
      item.textContent = "The plan is the same at every value.";
      list.append(item);
    }
  }

  document.getElementById("sweep-run").addEventListener("click", async () => {
    const problem = document.getElementById("sweep-problem");
    problem.hidden = true;
    const option = sweepPath.selectedOptions[0];
    if (!option) return;
    let vary = option.value;
    if (numericKinds.includes(option.dataset.kind)) {
      const v = (id) => document.getElementById(id).value.trim();
      vary += `=${v("sweep-from")}..${v("sweep-to")}:${v("sweep-step")}`;
    }
    const { data } = await post("/api/sweep", { file, set: currentSet(), vary });
    if (!data.ok) {
      problem.textContent = data.error || (data.problems || []).map((p) => p.message).join(" ");
      problem.hidden = false;
      return;
    }
    drawChart(data, option);
  });

  // Scenario: the changes under a name, in scenarios/ beside the file.
  document.getElementById("scenario-save").addEventListener("click", async () => {
    const out = document.getElementById("scenario-status");
    const body = {
      file,
      set: currentSet(),
      name: document.getElementById("scenario-name").value,
      description: document.getElementById("scenario-description").value,
    };
    let { status: code, data } = await post("/api/scenario", body);
    if (code === 409 && window.confirm(`${data.error}\nReplace it?`)) {
      ({ data } = await post("/api/scenario", { ...body, replace: true }));
    }
    out.textContent = data.ok ? `Saved as ${data.file}` : data.error || "not saved";
    out.classList.toggle("bad", !data.ok);
  });

  // Saving the district: into the file (after a confirmation), or as a new one.
  const confirmBox = document.getElementById("save-confirm");
  document.getElementById("save-file").addEventListener("click", () => {
    confirmBox.hidden = false;
  });
  document.getElementById("save-no").addEventListener("click", () => {
    confirmBox.hidden = true;
  });
  async function save(newFile) {
    const body = { file, set: currentSet(), base };
    if (newFile) body.new_file = newFile;
    const { data } = await post("/api/save", body);
    confirmBox.hidden = true;
    if (!data.ok) {
      say(data.error || "Not saved: " + (data.problems || []).map((p) => p.message).join(" "));
      return;
    }
    if (newFile) {
      say(`Saved as ${data.file}. ${data.note ? data.note + " " : ""}This page still shows ${file}.`);
      return;
    }
    // The file now holds the changes: they are the new starting point.
    base = data.base;
    // What "Undo all changes" returns to is now the file as saved.
    for (const input of form.querySelectorAll("input")) {
      input.defaultValue = input.value;
      input.defaultChecked = input.checked;
    }
    for (const option of form.querySelectorAll("option")) option.defaultSelected = option.selected;
    for (const field of fields) field.dataset.original = ronValue(field);
    previous = [];
    markChanged([]);
    say(`Saved into ${data.file}; its comments are kept.`);
  }
  document.getElementById("save-yes").addEventListener("click", () => save(null));
  document.getElementById("save-new").addEventListener("click", () => {
    const input = document.getElementById("new-file");
    save(input.value.trim() || input.placeholder);
  });

  // Downloads carry the changes.
  for (const link of document.querySelectorAll(".downloads a")) {
    link.addEventListener("click", () => {
      const query = new URLSearchParams({ file, format: link.dataset.format });
      const set = currentSet();
      if (set.length) query.set("changes", JSON.stringify(set));
      link.href = "/download?" + query.toString();
    });
  }
})();
