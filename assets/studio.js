// The elplan studio's script: sends each change of the district form to the
// server (as one types, and on leaving a field) and puts the plan it answers
// with in place, with the change highlighted; keeps the steps for undo and
// redo; asks for explanations, sweeps and saves. Plain JavaScript, no
// library: the server renders every piece of HTML.
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
  const announce = document.getElementById("announce");

  // A percentage as typed (68.7, "68,7 %") as the fraction the file keeps
  // (0.687), without the float noise of the division; null when not a number.
  function fractionOf(text) {
    const number = Number(text.replace(/%\s*$/, "").trim().replace(",", "."));
    if (text.trim() === "" || !Number.isFinite(number)) return null;
    return String(Number((number / 100).toPrecision(12)));
  }

  // Each field's value as RON, the way `--set` takes it.
  function ronValue(field) {
    const kind = field.dataset.kind;
    if (kind === "choices") {
      const boxes = Array.from(field.querySelectorAll("input[type=checkbox]"));
      if (boxes[0].checked) return "None";
      return "[" + boxes.slice(1).filter((b) => b.checked).map((b) => b.value).join(", ") + "]";
    }
    if (kind === "table") {
      const rows = [];
      for (const row of field.querySelectorAll("tbody tr")) {
        const name = row.querySelector(".row-name").value.trim();
        const share = row.querySelector(".row-share").value.trim();
        if (name === "" && share === "") continue;
        let item = `name: ${JSON.stringify(name)}`;
        if (share !== "") item += `, share_of_els: ${fractionOf(share) ?? share}`;
        rows.push(`(${item})`);
      }
      return "[" + rows.join(", ") + "]";
    }
    if (kind === "decisions") return decisionsValue(field);
    const input = field.querySelector("select, input");
    const text = input.value.trim();
    if (kind === "yesno" || kind === "choice") return text;
    if (text === "" || text.toLowerCase() === "unknown") return "None";
    if (kind === "text") return JSON.stringify(text);
    if (kind === "fraction") return fractionOf(text) ?? text;
    return text;
  }

  // The team's decisions as the district file writes them: a strategy or
  // finding with nothing decided is left out.
  function decisionsValue(field) {
    const text = (row, css) => row.querySelector(css).value.trim();
    const strategies = [];
    for (const row of field.querySelectorAll(".decision:not(.finding)")) {
      const parts = [];
      if (text(row, ".d-keep") === "false") parts.push("keep: false");
      if (text(row, ".d-reason")) parts.push(`reason: ${JSON.stringify(text(row, ".d-reason"))}`);
      const owners = text(row, ".d-owners").split(";").map((o) => o.trim()).filter(Boolean);
      if (owners.length) parts.push(`owners: [${owners.map((o) => JSON.stringify(o)).join(", ")}]`);
      if (text(row, ".d-start")) parts.push(`start_month: ${text(row, ".d-start")}`);
      if (row.dataset.end) parts.push(`end_month: ${row.dataset.end}`);
      if (text(row, ".d-notes")) parts.push(`notes: ${JSON.stringify(text(row, ".d-notes"))}`);
      if (text(row, ".d-status")) parts.push(`status: ${JSON.stringify(text(row, ".d-status"))}`);
      if (parts.length) strategies.push(`${JSON.stringify(row.dataset.id)}: (${parts.join(", ")})`);
    }
    const findings = [];
    for (const row of field.querySelectorAll(".decision.finding")) {
      const verdict = text(row, ".d-verdict");
      if (!verdict) continue;
      const note = text(row, ".d-note");
      findings.push(`${JSON.stringify(row.dataset.id)}: (verdict: ${verdict}${note ? `, note: ${JSON.stringify(note)}` : ""})`);
    }
    return `(strategies: {${strategies.join(", ")}}, findings: {${findings.join(", ")}})`;
  }

  // What a field's controls hold, to come back to (undo, redo).
  function stateOf(field) {
    if (field.dataset.kind === "table") {
      return Array.from(field.querySelectorAll("tbody tr")).map((row) => [
        row.querySelector(".row-name").value,
        row.querySelector(".row-share").value,
      ]);
    }
    return Array.from(field.querySelectorAll("input, select")).map((c) =>
      c.type === "checkbox" ? c.checked : c.value,
    );
  }
  function restore(field, state) {
    if (field.dataset.kind === "table") {
      const body = field.querySelector("tbody");
      body.textContent = "";
      for (const [name, share] of state) body.append(tableRow(field, name, share));
      return;
    }
    Array.from(field.querySelectorAll("input, select")).forEach((c, i) => {
      if (c.type === "checkbox") c.checked = state[i];
      else c.value = state[i];
    });
  }

  const fields = Array.from(form.querySelectorAll(".field"));
  for (const field of fields) {
    field.dataset.original = ronValue(field);
    field.originalState = stateOf(field);
  }

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
  // A share is typed as a percentage, so its problem is said as one.
  function showProblems(problems) {
    for (const problem of problems) {
      const field = fields.find((f) => f.dataset.path === problem.path);
      const where = field ? field.querySelector(".problem") : document.getElementById("problems");
      // The field is beside it: its path in the file need not be said.
      let message = problem.message.replace(/^[\w.\[\]-]+: /, "");
      if (field && field.dataset.kind === "fraction") {
        const typed = field.querySelector("input").value.trim();
        message = `${typed} is not a percentage from 0 to 100: give one such as 45 for 45 %.`;
      }
      where.textContent = (where.textContent ? where.textContent + " " : "") + message;
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
  let lastSent = "[]";
  let sequence = 0;
  window.elplanLatencies = [];

  // The steps taken: each the state of every field after it; `step` is
  // the one shown. A change after an undo drops the steps undone.
  function snapshot() {
    return new Map(fields.map((f) => [f, stateOf(f)]));
  }
  function sameSnapshot(a, b) {
    return fields.every((f) => JSON.stringify(a.get(f) ?? f.originalState) === JSON.stringify(b.get(f) ?? f.originalState));
  }
  let steps = [snapshot()];
  let step = 0;
  function record() {
    const now = snapshot();
    if (sameSnapshot(now, steps[step])) return;
    steps = steps.slice(0, step + 1);
    steps.push(now);
    step = steps.length - 1;
  }
  function goTo(index) {
    step = index;
    for (const f of fields) restore(f, steps[step].get(f) ?? f.originalState);
    replan();
  }

  function markChanged(set) {
    const changed = new Set(set.map((c) => c[0]));
    for (const f of fields) f.classList.toggle("changed", changed.has(f.dataset.path));
    const count = set.length;
    document.getElementById("changed-count").textContent =
      count === 0 ? "no changes" : count === 1 ? "1 change, not saved" : count + " changes, not saved";
    for (const id of ["undo-all", "save-file", "save-new", "scenario-save"]) {
      document.getElementById(id).disabled = count === 0;
    }
    document.getElementById("undo").disabled = step === 0;
    document.getElementById("redo").disabled = step >= steps.length - 1;
  }

  // What the last change did, said once to a screen reader: the summary,
  // never the whole plan.
  function announceChange() {
    const box = planBody.querySelector("#last-change");
    if (!box) return;
    const items = Array.from(box.querySelectorAll("li")).map((li) => li.textContent.trim());
    announce.textContent = items.length ? "The plan changed: " + items.join("; ") + "." : "No change to the plan.";
  }

  async function replan() {
    const started = performance.now();
    const mine = ++sequence;
    const set = currentSet();
    lastSent = JSON.stringify(set);
    const { data } = await post("/api/plan", { file, set, previous });
    if (mine !== sequence) return; // a later change is on its way
    clearProblems();
    if (!data.ok) {
      if (data.problems) showProblems(data.problems);
      else showProblems([{ path: "", message: data.error || "the plan could not be made" }]);
      planBody.classList.add("stale");
      say("The plan shows the last valid answers: fix the answer marked in red.");
      markChanged(set);
      return;
    }
    planBody.innerHTML = data.html;
    planBody.classList.remove("stale");
    previous = set;
    markChanged(set);
    say("");
    announceChange();
    window.elplanLatencies.push(performance.now() - started);
    document.body.dataset.planned = String(mine);
    // The explanation shown follows the what-if.
    if (shownWhy) explain(shownWhy, false);
    window.dispatchEvent(new CustomEvent("elplan:planned"));
  }

  // A change applies as one types (after a short pause) and on leaving the
  // field; each applied change is a step to undo.
  let typing = null;
  function changed(now) {
    clearTimeout(typing);
    typing = null;
    const apply = () => {
      record();
      if (JSON.stringify(currentSet()) !== lastSent) replan();
    };
    if (now) apply();
    else typing = setTimeout(apply, 250);
  }

  form.addEventListener("input", (event) => {
    if (!event.target.closest(".field")) return;
    if (event.target.type === "checkbox" || event.target.tagName === "SELECT") return;
    changed(false);
  });
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
    changed(true);
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  // A table's rows (the home languages): added and removed like answers.
  function tableRow(field, name, share) {
    const template = field.querySelector("tbody tr") || field.tableTemplate;
    let row;
    if (template) {
      row = template.cloneNode(true);
    } else {
      row = document.createElement("tr");
      const heads = Array.from(field.querySelectorAll("thead th")).map((th) => th.textContent);
      row.innerHTML =
        '<td><input type="text" class="row-name"></td><td><input type="text" class="row-share" inputmode="decimal" size="6"></td><td><button type="button" class="remove-row">Remove</button></td>';
      row.querySelector(".row-name").setAttribute("aria-label", heads[0]);
      row.querySelector(".row-share").setAttribute("aria-label", heads[1]);
    }
    row.querySelector(".row-name").value = name;
    row.querySelector(".row-share").value = share;
    return row;
  }
  for (const field of fields.filter((f) => f.dataset.kind === "table")) {
    const first = field.querySelector("tbody tr");
    if (first) field.tableTemplate = first.cloneNode(true);
  }
  form.addEventListener("click", (event) => {
    const field = event.target.closest(".field");
    if (!field) return;
    if (event.target.classList.contains("add-row")) {
      const row = tableRow(field, "", "");
      field.querySelector("tbody").append(row);
      row.querySelector(".row-name").focus();
    } else if (event.target.classList.contains("remove-row")) {
      event.target.closest("tr").remove();
      field.querySelector(".add-row").focus();
      changed(true);
    }
  });

  // Finding a question by its words: sections with a match open, other
  // questions step aside; an empty box brings the form back as it was.
  const findQuestion = document.getElementById("find-question");
  const sections = Array.from(form.querySelectorAll("details"));
  const wasOpen = new Map(sections.map((d) => [d, d.open]));
  findQuestion.addEventListener("input", () => {
    const words = findQuestion.value.toLowerCase().split(/\s+/).filter(Boolean);
    let found = 0;
    for (const field of fields) {
      const match = words.every((w) => (field.dataset.search || "").includes(w));
      field.hidden = words.length > 0 && !match;
      found += match ? 1 : 0;
    }
    for (const d of sections) {
      if (words.length === 0) {
        d.open = wasOpen.get(d);
        d.hidden = false;
      } else {
        const any = Array.from(d.querySelectorAll(".field")).some((f) => !f.hidden);
        d.hidden = !any && !d.querySelector("#add-year");
        if (any) d.open = true;
      }
    }
    document.getElementById("find-none").hidden = words.length === 0 || found > 0;
  });

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
      const label = field.querySelector("label");
      label.htmlFor = control.id;
      label.id = "l-" + path;
      label.title = "In the district file: " + path;
      field.dataset.original = ronValue(field);
      field.originalState = stateOf(field);
      fields.push(field);
    }
    document.getElementById("years-added").append(row);
    input.value = "";
  });

  document.getElementById("undo-all").addEventListener("click", () => {
    clearTimeout(typing);
    for (const f of fields) restore(f, f.originalState);
    record();
    replan();
  });
  document.getElementById("undo").addEventListener("click", () => {
    clearTimeout(typing);
    record();
    if (step > 0) goTo(step - 1);
  });
  document.getElementById("redo").addEventListener("click", () => {
    if (step < steps.length - 1) goTo(step + 1);
  });
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    if (key === "z") document.getElementById("undo").click();
    else if (key === "y") document.getElementById("redo").click();
    else return;
    event.preventDefault();
  });

  // Leaving with changes not saved asks first.
  window.addEventListener("beforeunload", (event) => {
    if (currentSet().length === 0) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Why: a click (or Enter) on any finding or strategy opens a card right
  // beside it, in plain words; the rule as written is behind a button.
  let shownWhy = null;
  async function explain(id, focus) {
    const { data } = await post("/api/explain", { file, set: currentSet(), id });
    for (const old of planBody.querySelectorAll(".why-card")) old.remove();
    for (const b of planBody.querySelectorAll("button.why[aria-expanded=true]")) b.setAttribute("aria-expanded", "false");
    const card = document.createElement("div");
    card.className = "why-card";
    card.id = "why";
    card.dataset.id = id;
    card.setAttribute("role", "region");
    card.tabIndex = -1;
    const body = document.createElement("div");
    body.className = "why-body";
    if (data.ok) {
      body.innerHTML = data.html;
    } else {
      const p = document.createElement("p");
      p.textContent = "Cannot explain this: " + (data.error || (data.problems || []).map((p) => p.message).join(" "));
      body.append(p);
    }
    card.setAttribute("aria-label", "Why: " + (data.title || ""));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "why-close";
    close.textContent = "Close";
    close.addEventListener("click", () => {
      const item = card.closest("[data-id]");
      card.remove();
      shownWhy = null;
      if (item) {
        const button = item.querySelector("button.why");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
    card.append(close, body);
    if (data.ok && data.rule) {
      const rule = document.createElement("details");
      rule.className = "why-rule";
      const summary = document.createElement("summary");
      summary.textContent = "Show the rule";
      const pre = document.createElement("pre");
      pre.textContent = data.rule;
      rule.append(summary, pre);
      card.append(rule);
    }
    const item = planBody.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (item) {
      item.classList.add("selected");
      item.append(card);
      const button = item.querySelector("button.why");
      if (button) button.setAttribute("aria-expanded", "true");
    } else {
      // No longer in the plan: the card stays in view at its top.
      planBody.prepend(card);
    }
    shownWhy = id;
    if (focus) {
      card.scrollIntoView({ block: "nearest" });
    }
  }
  planBody.addEventListener("click", (event) => {
    if (event.target.closest(".why-card")) return;
    const item = event.target.closest("[data-id]");
    if (!item) return;
    for (const other of planBody.querySelectorAll(".selected")) other.classList.remove("selected");
    if (shownWhy === item.dataset.id && item.querySelector(".why-card")) {
      item.querySelector(".why-card .why-close").click();
      return;
    }
    explain(item.dataset.id, true);
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
        ? ["0", "100", "5"]
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
    // A share's values are fractions in the file and percentages here.
    const percent = option.dataset.kind === "fraction";
    for (const p of result.points) p.value = percent && p.valid !== undefined && Number.isFinite(Number(p.value)) ? String(Number((Number(p.value) * 100).toPrecision(12))) + " %" : p.value;
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
    const at = points.findIndex((p) => p.value === now || (now !== "" && parseFloat(p.value) === Number(now)));
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
      const typed = (id) => document.getElementById(id).value.trim();
      const v = option.dataset.kind === "fraction" ? (id) => fractionOf(typed(id)) ?? typed(id) : typed;
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
    if (data.ok) refreshScenarios();
  });

  // The scenarios beside the district: listed, compared, applied, saved
  // as a new district file, deleted.
  const scenariosBody = document.getElementById("scenarios-body");
  const scenariosStatus = document.getElementById("scenarios-status");
  const compareResult = document.getElementById("compare-result");
  const pickA = document.getElementById("compare-a");
  const pickB = document.getElementById("compare-b");
  function fillPicks() {
    const items = Array.from(scenariosBody.querySelectorAll(".scenario-item[data-version]"))
      .filter((item) => item.dataset.version);
    const keep = [pickA.value, pickB.value];
    pickA.length = 1;
    pickB.length = 0;
    for (const item of items) {
      const name = item.querySelector(".scenario-name").textContent;
      pickA.append(new Option(name, item.dataset.file));
      pickB.append(new Option(name, item.dataset.file));
    }
    if (Array.from(pickA.options).some((o) => o.value === keep[0])) pickA.value = keep[0];
    if (Array.from(pickB.options).some((o) => o.value === keep[1])) pickB.value = keep[1];
    document.getElementById("compare-pick").hidden = items.length === 0;
  }
  fillPicks();
  async function refreshScenarios() {
    const response = await fetch("/api/scenarios?file=" + encodeURIComponent(file));
    const data = await response.json().catch(() => ({ ok: false }));
    if (!data.ok) return;
    scenariosBody.innerHTML = data.html;
    fillPicks();
  }
  async function compareScenarios(a, b) {
    scenariosStatus.textContent = "Comparing…";
    const { data } = await post("/api/scenarios/compare", { file, a: a || null, b });
    if (!data.ok) {
      scenariosStatus.textContent = data.error || "The two could not be compared.";
      return;
    }
    compareResult.innerHTML = data.html;
    scenariosStatus.textContent = data.same ? "The two give the same plan." : "Compared: what differs is below.";
    compareResult.scrollIntoView({ block: "nearest" });
  }
  document.getElementById("compare-run").addEventListener("click", () => {
    if (!pickB.value) return;
    compareScenarios(pickA.value, pickB.value);
  });
  // What a scenario's button asks, confirmed beside it before it is done.
  function confirmIn(item, question, withName, action) {
    const box = item.querySelector(".scenario-confirm");
    box.textContent = question + " ";
    let nameInput = null;
    if (withName) {
      nameInput = document.createElement("input");
      nameInput.type = "text";
      nameInput.size = 24;
      nameInput.setAttribute("aria-label", "The new district file's name");
      nameInput.placeholder = item.dataset.file.split("/").pop().replace(/\.ron$/, "") + "-district.ron";
      box.append(nameInput, " ");
    }
    const yes = document.createElement("button");
    yes.type = "button";
    yes.textContent = "Yes";
    const no = document.createElement("button");
    no.type = "button";
    no.textContent = "Cancel";
    box.append(yes, " ", no);
    box.hidden = false;
    (nameInput || yes).focus();
    no.addEventListener("click", () => { box.hidden = true; });
    yes.addEventListener("click", () => {
      box.hidden = true;
      action(nameInput ? nameInput.value.trim() || nameInput.placeholder : null);
    });
  }
  scenariosBody.addEventListener("click", (event) => {
    const item = event.target.closest(".scenario-item");
    if (!item || event.target.tagName !== "BUTTON") return;
    const scenario = item.dataset.file;
    const name = item.querySelector(".scenario-name").textContent;
    if (event.target.classList.contains("scenario-open")) {
      pickA.value = "";
      pickB.value = scenario;
      compareScenarios(null, scenario);
    } else if (event.target.classList.contains("scenario-apply")) {
      confirmIn(item, `Write \u201c${name}\u201d into ${file}? Its comments and layout stay.`, false, async () => {
        const { data } = await post("/api/scenarios/apply", { file, scenario, base });
        if (!data.ok) {
          scenariosStatus.textContent = data.error || (data.problems || []).map((p) => p.message).join(" ");
          return;
        }
        scenariosStatus.textContent = `\u201c${name}\u201d is written into ${data.file}; the page shows the file as it is now.`;
        base = data.base;
        window.location.reload();
      });
    } else if (event.target.classList.contains("scenario-save-new")) {
      confirmIn(item, `Save the district with \u201c${name}\u201d as a new file named`, true, async (newFile) => {
        const { data } = await post("/api/scenarios/apply", { file, scenario, base, new_file: newFile });
        scenariosStatus.textContent = data.ok
          ? `Saved as ${data.file}. ${data.note ? data.note + " " : ""}This page still shows ${file}.`
          : data.error || (data.problems || []).map((p) => p.message).join(" ");
      });
    } else if (event.target.classList.contains("scenario-delete")) {
      confirmIn(item, `Delete \u201c${name}\u201d for good?`, false, async () => {
        const { data } = await post("/api/scenarios/delete", { scenario, base: item.dataset.version });
        scenariosStatus.textContent = data.ok ? `\u201c${name}\u201d is deleted.` : data.error || "Not deleted.";
        if (data.ok) {
          compareResult.textContent = "";
          refreshScenarios();
        }
      });
    }
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
    for (const field of fields) {
      field.dataset.original = ronValue(field);
      field.originalState = stateOf(field);
    }
    previous = [];
    lastSent = "[]";
    markChanged([]);
    say(`Saved into ${data.file}; its comments are kept.`);
  }
  document.getElementById("save-yes").addEventListener("click", () => save(null));
  document.getElementById("save-new").addEventListener("click", () => {
    const input = document.getElementById("new-file");
    save(input.value.trim() || input.placeholder);
  });

  // The cover (date, prepared for, prepared by) is remembered for the
  // session, on every district's page.
  const cover = { date: "cover-date", prepared_for: "cover-for", prepared_by: "cover-by" };
  for (const [key, id] of Object.entries(cover)) {
    const input = document.getElementById(id);
    input.value = sessionStorage.getItem("elplan-cover-" + key) || "";
    input.addEventListener("input", () => sessionStorage.setItem("elplan-cover-" + key, input.value));
  }

  // Downloads carry the changes and the cover.
  for (const link of document.querySelectorAll(".downloads a")) {
    link.addEventListener("click", () => {
      const query = new URLSearchParams({ file, format: link.dataset.format });
      const set = currentSet();
      if (set.length) query.set("changes", JSON.stringify(set));
      for (const [key, id] of Object.entries(cover)) {
        const value = document.getElementById(id).value.trim();
        if (value) query.set(key, value);
      }
      link.href = "/download?" + query.toString();
    });
  }
})();
