// Evidence quotes link to their transcript turn (#turn-<index>): bring it into view and highlight it,
// also when the transcript sits in a collapsed or scrolled fieldset.
(function () {
  function highlight(index) {
    var turn = document.getElementById("turn-" + index);
    if (!turn) return false;
    document.querySelectorAll(".jg-turn.jg-highlight").forEach(function (el) { el.classList.remove("jg-highlight"); });
    turn.classList.add("jg-highlight");
    turn.scrollIntoView({ block: "center" });
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.jg-evidence, a.jg-anchor");
    if (!link) return;
    var index = link.getAttribute("data-turn") || (link.getAttribute("href") || "").replace("#turn-", "");
    if (highlight(index)) {
      event.preventDefault();
      history.replaceState(null, "", "#turn-" + index);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var match = /^#turn-(\d+)$/.exec(window.location.hash);
    if (match) highlight(match[1]);
  });
})();
