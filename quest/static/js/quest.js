// QUEST's own script. It starts GOV.UK Frontend's components on the page, and again on whatever htmx
// swaps in. A module script only runs in browsers GOV.UK Frontend supports, which is why the classes
// that switch on its JavaScript styles are added here.
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

document.body.addEventListener("htmx:load", (event) => {
  const element = event.detail.elt;
  if (element instanceof HTMLElement && element !== document.body) {
    initAll({ scope: element });
  }
});
