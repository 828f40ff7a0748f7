// QUEST's own script. It starts GOV.UK Frontend's components on the page, and again on whatever htmx
// swaps in, and marks wide tables that scroll inside their box, so that a hint above them shows. A module
// script only runs in browsers GOV.UK Frontend supports, which is why the classes that switch on its
// JavaScript styles are added here.
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const tableBoxes = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const wider = target.scrollWidth > target.clientWidth + 1;
    target.parentElement?.classList.toggle("quest-scrollable--overflowing", wider);
  }
});
const watchTables = (scope) => {
  const boxes = [...scope.querySelectorAll(".quest-table-wrapper"), scope.closest(".quest-table-wrapper")];
  for (const box of boxes) {
    if (box) {
      tableBoxes.unobserve(box);
      tableBoxes.observe(box); // observing again measures again: the table inside may have changed
    }
  }
};
watchTables(document.body);

document.body.addEventListener("htmx:load", (event) => {
  const element = event.detail.elt;
  if (element instanceof HTMLElement && element !== document.body) {
    initAll({ scope: element });
    watchTables(element);
  }
});
