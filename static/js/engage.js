// Starts GOV.UK Frontend on the page and in every fragment htmx swaps in.
// Loaded as a module after htmx, so browsers GOV.UK Frontend does not
// support (no ES modules) never run it and keep the plain HTML.
import { initAll } from "../govuk/govuk-frontend.min.js";

// A component marks its root with data-<module>-init and refuses a second
// start with an InitError. htmx also fires htmx:load on <body> at start-up,
// and re-swapped markup can carry the marker, so that error is expected and
// dropped; anything else still reaches the console as GOV.UK would log it.
function onError(error) {
  if (error.name !== "InitError") {
    console.log(error);
  }
}

function initWithin(element) {
  // initAll searches below its scope, so a swapped-in element that is itself
  // a component is reached through its parent.
  const scope = element.hasAttribute("data-module") ? element.parentElement ?? element : element;
  initAll({ scope, onError });
}

initAll({ onError });

document.addEventListener("htmx:load", (event) => {
  initWithin(event.detail.elt);
});
