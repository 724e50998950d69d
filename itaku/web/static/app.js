/* itaku self-check page: the advisor's view follows the form as the clerk types.
   Served by itaku itself; no other script, no inline script (the page's CSP forbids it).
   Without this script the page still works: "update" posts the form and the server answers with
   the page. The only thing kept in the browser is a draft of the form in this tab's sessionStorage
   (gone when the tab closes; the page says so), so that a failed send or Back loses nothing typed. */
(function () {
  "use strict";

  var DELAY = 350; // ms after the last keystroke before the review is asked for

  var form = document.getElementById("proposal");
  var pane = document.getElementById("pane-body");
  var status = document.getElementById("pane-status");
  if (!form || !pane) {
    return;
  }
  // the page's words come with the page (the one catalogue of wording), not from this file
  var words = {
    updating: pane.getAttribute("data-updating"),
    updated: pane.getAttribute("data-updated"),
    stale: pane.getAttribute("data-stale"),
    failed: pane.getAttribute("data-failed")
  };
  var timer = null;
  var inflight = null;
  var sequence = 0;
  var DRAFT = "itaku-draft";

  // ---------------------------------------------------------------- the draft of this tab

  function saveDraft() {
    try {
      var data = formBody();
      data.delete("token");
      window.sessionStorage.setItem(DRAFT, data.toString());
    } catch (error) {
      // storage full or refused: the page works without a draft
    }
  }

  function readDraft() {
    try {
      return window.sessionStorage.getItem(DRAFT);
    } catch (error) {
      return null;
    }
  }

  function showClear() {
    var clear = form.querySelector("[data-clear]");
    if (clear) {
      clear.hidden = false;
    }
  }

  // The page came empty (opened afresh, or Back after a send that failed) and this tab holds a
  // draft: ask the server for the page filled with it, and show that form and its review.
  function restoreDraft(draft) {
    var data = new URLSearchParams(draft);
    data.set("token", form.querySelector("input[name=token]").value);
    fetch("/", { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var filled = page.getElementById("proposal");
      var body = page.getElementById("pane-body");
      if (!filled || !body) {
        return;
      }
      form.innerHTML = filled.innerHTML; // the server's own page, escaped by its templates
      pane.innerHTML = body.innerHTML;
      form.removeAttribute("data-fresh");
      showClear();
      status.textContent = form.getAttribute("data-restored");
    }).catch(function () {
      // the draft stays for the next try
    });
  }

  function formBody() {
    var data = new FormData(form);
    data.delete("upload"); // the files are sent only by their "load" buttons
    data.delete("approved_upload");
    return new URLSearchParams(data);
  }

  function controls(name) {
    return form.querySelectorAll("[name=\"" + CSS.escape(name) + "\"]");
  }

  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (node) {
      var name = node.getAttribute("data-error-for");
      var message = errors[name];
      var holder = node.closest(".field, .applies");
      if (message) {
        node.textContent = message;
        node.hidden = false;
      } else {
        node.textContent = "";
        node.hidden = true;
      }
      if (holder) {
        holder.classList.toggle("invalid", Boolean(message));
      }
      var target = document.getElementById(node.id.replace(/-error$/, ""));
      if (target) {
        if (message) {
          target.setAttribute("aria-invalid", "true");
        } else {
          target.removeAttribute("aria-invalid");
        }
      }
    });
  }

  function showDates(dates) {
    form.querySelectorAll("[data-read-for]").forEach(function (node) {
      node.textContent = dates[node.getAttribute("data-read-for")] || "";
    });
  }

  function render(data) {
    showErrors(data.errors || {});
    showDates(data.dates || {});
    var holder = document.createElement("div");
    holder.innerHTML = data.html; // rendered and escaped by the server's templates
    var errors = holder.querySelector("#pane-errors");
    var view = holder.querySelector("#pane-view");
    var oldErrors = pane.querySelector("#pane-errors");
    var oldView = pane.querySelector("#pane-view");
    if (errors && oldErrors) {
      oldErrors.replaceWith(errors);
    }
    if (data.ok || !oldView || !oldView.querySelector(".verdict")) {
      if (view && oldView) {
        oldView.replaceWith(view);
      }
      pane.classList.remove("stale");
      status.textContent = data.ok ? words.updated : "";
    } else {
      // keep the last review in sight while a field is being corrected, marked as such
      pane.classList.add("stale");
      status.textContent = words.stale;
    }
  }

  function check() {
    timer = null;
    if (inflight) {
      inflight.abort();
    }
    var mine = ++sequence;
    inflight = new AbortController();
    pane.setAttribute("aria-busy", "true");
    fetch("/api/check", {
      method: "POST",
      body: formBody(),
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      signal: inflight.signal
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok && !("html" in data)) {
          throw new Error(data.message || words.failed);
        }
        return data;
      });
    }).then(function (data) {
      if (mine === sequence) {
        render(data);
      }
    }).catch(function (error) {
      if (error.name !== "AbortError" && mine === sequence) {
        // a network failure (TypeError) speaks the browser's English: say it in the page's words
        status.textContent = error instanceof TypeError ? form.getAttribute("data-send-failed") : (error.message || words.failed);
      }
    }).finally(function () {
      if (mine === sequence) {
        inflight = null;
        if (!timer) {
          pane.removeAttribute("aria-busy");
        }
      }
    });
  }

  function later() {
    saveDraft();
    if (timer) {
      clearTimeout(timer);
    }
    pane.setAttribute("aria-busy", "true"); // until the answer to the last change is shown
    timer = setTimeout(check, DELAY);
  }

  // ---------------------------------------------------------------- sections that may not apply

  function applyState(radio) {
    var name = radio.name.replace(/\.__applies$/, "");
    var body = form.querySelector("[data-applies-body=\"" + CSS.escape(name) + "\"]");
    var chosen = form.querySelector("input[name=\"" + CSS.escape(radio.name) + "\"]:checked");
    if (body) {
      body.disabled = Boolean(chosen && chosen.value === "false");
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches(".applies-choice input[type=radio]")) {
      applyState(event.target);
    }
  });

  // ---------------------------------------------------------------- "none" against the other choices

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox") {
      return;
    }
    var group = box.closest("fieldset");
    if (!group) {
      return;
    }
    if (box.hasAttribute("data-none-choice") && box.checked) {
      group.querySelectorAll("input[type=checkbox]:not([data-none-choice])").forEach(function (other) { other.checked = false; });
    } else if (box.checked) {
      var none = group.querySelector("[data-none-choice]");
      if (none) {
        none.checked = false;
      }
    }
  });

  // ---------------------------------------------------------------- lists: add and remove

  function renumber(list) {
    var items = list.querySelector("[data-items]");
    var n = 0;
    Array.prototype.forEach.call(items.children, function (item) {
      n += 1;
      var legend = item.querySelector("legend");
      if (legend) {
        legend.textContent = legend.textContent.replace(/\s*\d*$/, "") + " " + n;
      }
      item.querySelectorAll("input[type=text][data-label]").forEach(function (input) {
        input.setAttribute("aria-label", input.getAttribute("data-label") + " " + n);
      });
    });
  }

  function nextRow(list) {
    var max = -1;
    list.querySelectorAll("[name]").forEach(function (control) {
      var match = /^[a-z_]+\.(\d+)\./.exec(control.name);
      if (match) {
        max = Math.max(max, parseInt(match[1], 10));
      }
    });
    return max + 1;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.type !== "button") {
      return;
    }
    var list = button.closest("[data-list]");
    if (!list) {
      return;
    }
    var items = list.querySelector("[data-items]");
    if (button.hasAttribute("data-add")) {
      var template = list.querySelector("template[data-template]");
      var html = template.innerHTML.split("__N__").join(String(nextRow(list)));
      var holder = document.createElement("ul");
      holder.innerHTML = html; // the server's own template: no text a person entered
      var item = holder.firstElementChild;
      items.appendChild(item);
      renumber(list);
      // "marked yes, but the list is empty" no longer holds: a row is there to fill in
      var body = list.closest("[data-applies-body]");
      var said = body && form.querySelector("[data-error-for=\"" + CSS.escape(body.getAttribute("data-applies-body") + ".__applies") + "\"]");
      if (said) {
        said.hidden = true;
        said.textContent = "";
      }
      var first = item.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    } else if (button.hasAttribute("data-remove")) {
      var row = button.closest("li");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(list);
      var focus = next ? next.querySelector("input, select, textarea") : list.querySelector("[data-add]");
      (focus || list.querySelector("[data-add]")).focus();
      later();
    }
  });

  // ---------------------------------------------------------------- typing, choosing, updating

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") {
      later();
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") {
      later();
    }
  });
  // A file over the limit is never sent: the answer would be a page without the form.
  function tooLarge(submitter) {
    var section = submitter.closest("section");
    var input = section && section.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    var limit = parseInt(form.getAttribute("data-upload-limit"), 10);
    if (!file || !(file.size > limit)) {
      return false;
    }
    var shown = section.querySelector("[data-size-error]");
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "alert error";
      shown.setAttribute("role", "alert");
      shown.setAttribute("data-size-error", "");
      input.closest("p").before(shown);
    }
    var size = (Math.round(file.size / 1048576 * 10) / 10) + " MB";
    shown.textContent = form.getAttribute("data-too-large").replace("{size}", size);
    input.focus();
    return true;
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var action = submitter && submitter.getAttribute("formaction");
    saveDraft();
    if (action && submitter.closest("section.upload") && tooLarge(submitter)) {
      event.preventDefault();
      return;
    }
    if (!action) { // "update" (or Enter in a field): ask for the review in place of reloading the page
      event.preventDefault();
      if (timer) {
        clearTimeout(timer);
      }
      status.textContent = words.updating;
      check();
    }
  });
  form.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-clear]");
    if (clear && window.confirm(clear.getAttribute("data-confirm"))) {
      try {
        window.sessionStorage.removeItem(DRAFT);
      } catch (error) {
        // nothing kept
      }
      window.location.assign("/");
    }
  });

  var draft = readDraft();
  if (form.hasAttribute("data-fresh") && draft) {
    restoreDraft(draft);
  } else {
    if (!form.hasAttribute("data-fresh")) {
      saveDraft(); // the page as the server answered it (a file loaded, a send answered)
    }
    showClear();
  }
})();
