"use strict";
// confsched serve: filters, the details panel, the what-if form's fields, and the solve progress. No build step.
(function () {
  const talks = Array.from(document.querySelectorAll(".talk"));
  const panel = document.getElementById("panel");

  // filters: a talk that does not match fades out; the grid stays as it is
  const selects = Array.from(document.querySelectorAll("[data-filter]"));
  function applyFilters() {
    let shown = 0;
    for (const talk of talks) {
      let keep = true;
      for (const select of selects) {
        if (!select.value) continue;
        const key = select.dataset.filter;
        if (key === "speakers") keep = keep && JSON.parse(talk.dataset.speakers || "[]").includes(select.value);
        else keep = keep && talk.dataset[key] === select.value;
      }
      talk.classList.toggle("filtered-out", !keep);
      if (keep) shown += 1;
    }
    const label = document.querySelector(".shown");
    if (label) label.textContent = `${shown} of ${talks.length} talks`;
  }
  selects.forEach((select) => select.addEventListener("change", applyFilters));

  // details: the talk's hidden copy (rendered and escaped on the server) is cloned into the panel
  function show(talk) {
    if (!panel || !talk) return;
    talks.forEach((other) => other.classList.remove("selected"));
    talk.classList.add("selected");
    const content = panel.querySelector(".content");
    content.replaceChildren(...Array.from(talk.querySelector(".details").cloneNode(true).childNodes));
    panel.hidden = false;
  }
  talks.forEach((talk) => {
    talk.addEventListener("click", () => show(talk));
    talk.addEventListener("keydown", (event) => { if (event.key === "Enter") show(talk); });
  });
  if (panel) panel.querySelector(".close").addEventListener("click", () => { panel.hidden = true; });
  document.querySelectorAll("a[data-talk]").forEach((link) => link.addEventListener("click", () => {
    const talk = document.getElementById("talk-" + link.dataset.talk);
    if (talk) { talk.scrollIntoView({ block: "center" }); show(talk); }
  }));

  // the what-if form shows only the fields the chosen kind of change takes
  const kind = document.getElementById("kind");
  function fields() {
    document.querySelectorAll("#whatif-form [data-for]").forEach((label) => {
      const on = label.dataset.for.split(" ").includes(kind.value);
      label.hidden = !on;
      label.querySelectorAll("input, select").forEach((input) => { input.disabled = !on; });
    });
  }
  if (kind) {
    kind.addEventListener("change", fields);
    fields();
    document.getElementById("whatif-form").addEventListener("submit", () => {
      document.querySelector("#whatif-form .busy").hidden = false;
    });
  }

  // drag a talk to a (room, time) cell: the pin what-if of the form above, with the day, the start snapped to the
  // grid's step (where the box's top lands) and the room under the pointer. Only where the form is (current version).
  const form = document.getElementById("whatif-form");
  let dragged = null;
  let grab = 0;
  function two(n) { return String(n).padStart(2, "0"); }
  function cellAt(grid, event) {
    const heads = Array.from(grid.querySelectorAll(".room-head"));
    if (!heads.length || !dragged) return null;
    let head = heads[0];
    for (const candidate of heads) {
      if (candidate.getBoundingClientRect().left <= event.clientX) head = candidate;
    }
    const top = heads[0].getBoundingClientRect().bottom;
    const steps = Number(grid.dataset.steps);
    // one step's height, as laid out (the computed track sizes: the room names' row, then one row per step)
    const height = parseFloat(getComputedStyle(grid).gridTemplateRows.split(" ")[1]) || 1;
    const row = Math.min(steps - 1, Math.max(0, Math.round((event.clientY - dragged.grab - top) / height)));
    const minute = Number(grid.dataset.start) + row * Number(grid.dataset.step);
    return { head, row, day: grid.dataset.day, room: head.dataset.room,
      start: `${two(Math.floor(minute / 60))}:${two(minute % 60)}` };
  }
  function marker(grid) {
    let mark = grid.querySelector(".drop-target");
    if (!mark) {
      mark = document.createElement("div");
      mark.className = "drop-target";
      grid.appendChild(mark);
    }
    return mark;
  }
  function clearMarks() { document.querySelectorAll(".drop-target").forEach((mark) => mark.remove()); }
  if (form && kind) {
    talks.forEach((talk) => {
      talk.draggable = true;
      talk.title = "drag to a room and time to pin it there";
      // where in the box it was grabbed: at the press (dragstart comes after the pointer moved some way already)
      talk.addEventListener("mousedown", (event) => { grab = event.clientY - talk.getBoundingClientRect().top; });
      talk.addEventListener("dragstart", (event) => {
        dragged = { id: talk.dataset.talk, grab, span: talk.style.gridRowEnd };
        event.dataTransfer.setData("text/plain", talk.dataset.talk);
        event.dataTransfer.effectAllowed = "move";
      });
      talk.addEventListener("dragend", clearMarks);
    });
    document.querySelectorAll(".day-grid").forEach((grid) => {
      grid.addEventListener("dragover", (event) => {
        const cell = cellAt(grid, event);
        if (!cell) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        const mark = marker(grid);
        mark.style.gridColumn = cell.head.style.gridColumn;
        mark.style.gridRow = `${cell.row + 2} / ${dragged.span || "span 1"}`;
        mark.textContent = `${cell.start} ${cell.room}`;
      });
      grid.addEventListener("dragleave", (event) => { if (!grid.contains(event.relatedTarget)) clearMarks(); });
      grid.addEventListener("drop", (event) => {
        const cell = cellAt(grid, event);
        if (!cell) return;
        event.preventDefault();
        clearMarks();
        kind.value = "pin";
        fields();
        form.elements.talk.value = dragged.id;
        form.elements.pin_day.value = cell.day;
        form.elements.pin_start.value = cell.start;
        form.elements.pin_room.value = cell.room;
        const busy = form.querySelector(".busy");
        busy.textContent = `pinning ${dragged.id} to ${cell.day} ${cell.start}, ${cell.room}: rescheduling…`;
        busy.hidden = false;
        dragged = null;
        form.submit();
      });
    });
  }

  // solve progress: streamed (server-sent events, one a half second) while a solve runs, polled once a second where
  // the stream is unavailable; the page reloads when the solve ends
  const progress = document.getElementById("progress");
  function showJob(job) {
    if (job.state === "none") return false;
    progress.hidden = false;
    progress.querySelector(".state").textContent = job.state;
    progress.querySelector(".elapsed").textContent = job.elapsed;
    progress.querySelector(".penalty").textContent = job.penalty ?? "–";
    progress.querySelector(".bound").textContent = job.bound ?? "–";
    progress.querySelector(".gap").textContent = job.gap === null || job.gap === undefined
      ? "–" : `${(job.gap * 100).toFixed(1)} %`;
    progress.querySelector(".message").textContent = job.message;
    progress.querySelector(".error").textContent = job.error;
    if (job.state === "done" || job.state === "stopped") window.location.reload();
    return job.state === "running";
  }
  function poll() {
    fetch("/api/solve").then((response) => response.json()).then((job) => {
      if (showJob(job)) setTimeout(poll, 1000);
    });
  }
  function stream() {
    const source = new EventSource("/api/solve/events");
    let heard = false;
    source.onmessage = (event) => {
      heard = true;
      if (!showJob(JSON.parse(event.data))) source.close();
    };
    source.onerror = () => {
      source.close();
      if (!heard) poll();
    };
  }
  if (progress && progress.dataset.state === "running") {
    if (window.EventSource) stream();
    else poll();
  }
})();
