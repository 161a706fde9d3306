// Herald portal: optional enhancements only. Every page works without this file.
// - "Copy" buttons on schema code blocks (needs the Clipboard API, so a secure context).
"use strict";

(function () {
  function addCopyButtons() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll("pre[data-copy]").forEach(function (pre) {
      var head = pre.previousElementSibling;
      if (!head || !head.classList.contains("code-head")) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the schema text");
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent || "").then(
          function () {
            button.textContent = "Copied";
            status.textContent = "Schema copied to the clipboard";
            window.setTimeout(function () {
              button.textContent = "Copy";
              status.textContent = "";
            }, 1500);
          },
          function () {
            button.textContent = "Copy failed";
          }
        );
      });
      head.appendChild(button);
      head.appendChild(status);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addCopyButtons);
  } else {
    addCopyButtons();
  }
})();
