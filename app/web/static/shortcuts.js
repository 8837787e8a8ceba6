// Keyboard shortcuts: a key press activates the element marked data-shortcut="<key>".
// Nothing fires while the user types in a field, or with Ctrl, Alt or Meta held, so
// shortcuts never take a letter meant for a text box or a browser command. A control
// that is a <summary> opens its details and focuses the first field inside; a button or
// link is clicked. The page lists its shortcuts (the same data-shortcut attributes).
(function () {
  "use strict";

  function typing(target) {
    if (!target || target === document.body) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function activate(control) {
    if (control.tagName === "SUMMARY") {
      var details = control.parentElement;
      details.open = true;
      var field = details.querySelector("textarea, input:not([type=hidden]), select");
      (field || control).focus();
      return;
    }
    control.focus();
    control.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || event.key.length !== 1) return;
    var key = event.key.toLowerCase();
    var control = document.querySelector('[data-shortcut="' + key + '"]:not([disabled])');
    if (!control) return;
    event.preventDefault();
    activate(control);
  });
})();
