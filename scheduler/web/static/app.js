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

  // solve progress: polled once a second while a solve runs; the page reloads when it ends
  const progress = document.getElementById("progress");
  function poll() {
    fetch("/api/solve").then((response) => response.json()).then((job) => {
      if (job.state === "none") return;
      progress.hidden = false;
      progress.querySelector(".state").textContent = job.state;
      progress.querySelector(".elapsed").textContent = job.elapsed;
      progress.querySelector(".penalty").textContent = job.penalty ?? "–";
      progress.querySelector(".bound").textContent = job.bound ?? "–";
      progress.querySelector(".message").textContent = job.message;
      progress.querySelector(".error").textContent = job.error;
      if (job.state === "running") setTimeout(poll, 1000);
      else if (job.state === "done" || job.state === "stopped") window.location.reload();
    });
  }
  if (progress && progress.dataset.state === "running") poll();
})();
