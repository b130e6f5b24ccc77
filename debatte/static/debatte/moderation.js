// Keyboard for the moderation queues (progressive enhancement: every action is also a form).
//   J / K   next / previous comment (claims it with a POST, so no other moderator works on it;
//           the page's first comment is claimed so on load)
//   1 … 9   choose the reason for a removal in the focused comment's list
//   A       approve            R   remove with the chosen reason
//   F       editor's recommendation
//   B       ban the author and remove the comment (asks first)
//   O       open the comment on its own page
// After a decision the focus moves to the next comment still waiting.
(function () {
  "use strict";

  var list = document.querySelector(".queue-list[data-queue]");
  if (!list || !window.fetch) { return; }
  var live = document.getElementById("queue-live");
  var current = null;

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll(".queue-item"));
  }

  function usable(item) {
    return !item.classList.contains("queue-item--locked") &&
      !item.classList.contains("queue-item--done");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(text) {
    if (live) { live.textContent = ""; live.textContent = text || ""; }
  }

  function showError(item, text) {
    var box = item && item.querySelector(".queue-item__error");
    if (box) { box.textContent = text; box.hidden = !text; }
    announce(text);
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data || new FormData(),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(
        function (json) { json.httpStatus = response.status; return json; },
        function () { return { ok: false, message: response.statusText, httpStatus: response.status }; }
      );
    });
  }

  function lock(item, message) {
    item.classList.add("queue-item--locked");
    item.dataset.locked = "1";
    var actions = item.querySelector(".queue-item__actions");
    if (actions) { actions.hidden = true; }
    var check = item.querySelector(".queue-item__check");
    if (check) { check.disabled = true; check.checked = false; }
    var note = document.createElement("p");
    note.className = "queue-item__lock";
    note.setAttribute("role", "note");
    note.textContent = "🔒 " + (message || "");
    item.querySelector(".queue-item__head").after(note);
  }

  function focusItem(item) {
    if (!item) {
      current = null;
      announce(list.dataset.doneText);
      return;
    }
    if (current && current !== item && usable(current)) {
      post(current.dataset.releaseUrl);
    }
    items().forEach(function (other) {
      other.classList.toggle("queue-item--current", other === item);
    });
    current = item;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    if (list.dataset.queue === "decided" || !item.dataset.claimUrl) { return; }
    // Claimed here, by a POST: opening a page (GET) claims nothing, since browsers prefetch.
    post(item.dataset.claimUrl).then(function (result) {
      if (result.claimed === false) {
        lock(item, result.message);
        if (current === item) {
          var next = neighbour(item, 1, true);
          if (next) { focusItem(next); } else { announce(result.message); }
        }
      }
    });
  }

  // The next usable item in `step` direction; with `wrap`, also one before (after a decision).
  function neighbour(from, step, wrap) {
    var all = items();
    var index = from ? all.indexOf(from) : (step > 0 ? -1 : all.length);
    for (var i = index + step; i >= 0 && i < all.length; i += step) {
      if (usable(all[i])) { return all[i]; }
    }
    if (wrap) {
      for (var j = index - step; j >= 0 && j < all.length; j -= step) {
        if (usable(all[j])) { return all[j]; }
      }
    }
    return null;
  }

  function markDone(item, result) {
    item.classList.add("queue-item--done");
    item.dataset.status = result.status || "";
    var label = item.querySelector("[data-status-label]");
    if (label) {
      label.textContent = result.status_label || result.status || "";
    }
    var actions = item.querySelector(".queue-item__actions");
    if (actions) { actions.hidden = true; }
    var check = item.querySelector(".queue-item__check");
    if (check) { check.checked = false; check.disabled = true; }
  }

  function decide(item, form, fields, keepOpen) {
    if (!item || !form || item.dataset.busy) { return; }
    var data = new FormData(form);
    Object.keys(fields).forEach(function (name) { data.set(name, fields[name]); });
    item.dataset.busy = "1";
    showError(item, "");
    // form.getAttribute: `form.action` would be the buttons named "action".
    post(form.getAttribute("action"), data).then(function (result) {
      delete item.dataset.busy;
      if (!result.ok) {
        if (result.httpStatus === 409) {
          lock(item, result.message);
          focusItem(neighbour(item, 1, true));
          return;
        }
        showError(item, result.message || String(result.httpStatus));
        return;
      }
      announce(result.message);
      if (keepOpen) { return; }
      markDone(item, result);
      if (current === item) { focusItem(neighbour(item, 1, true)); }
    }, function () {
      delete item.dataset.busy;
      showError(item, "Network error");
    });
  }

  function reasonSelect(item) {
    return item.querySelector("select[data-reject-reason]");
  }

  function requireReason(item) {
    var select = reasonSelect(item);
    if (select && select.value) { return select.value; }
    showError(item, list.dataset.chooseReason);
    if (select) { select.focus(); }
    return null;
  }

  var handlers = {
    j: function () { focusItem(neighbour(current, 1, false) || current); },
    k: function () { focusItem(neighbour(current, -1, false) || current); },
    o: function (item) { window.location.href = item.dataset.itemUrl; },
    a: function (item) {
      decide(item, item.querySelector("form[data-decide]"), { action: "approve" });
    },
    r: function (item) {
      if (requireReason(item)) {
        decide(item, item.querySelector("form[data-decide]"), { action: "reject" });
      }
    },
    f: function (item) {
      var form = item.querySelector("form[data-decide]");
      if (form && form.querySelector("button[value=feature]")) {
        decide(item, form, { action: "feature" });
      }
    },
    b: function (item) {
      var form = item.querySelector("form[data-author]");
      var reason = requireReason(item);
      if (!form || !reason) { return; }
      var question = (list.dataset.confirmBan || "").replace("%(label)s", item.dataset.label);
      if (window.confirm(question)) {
        decide(item, form, { action: "ban", reason: reason, remove: "1" });
      }
    },
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing) {
      if (event.key === "Escape" && current) { event.preventDefault(); current.focus(); }
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (/^[1-9]$/.test(key) && current && usable(current)) {
      var select = reasonSelect(current);
      if (select && select.options.length > Number(key)) {
        event.preventDefault();
        select.selectedIndex = Number(key);
        showError(current, "");
        announce(select.options[select.selectedIndex].textContent);
      }
      return;
    }
    var handler = handlers[key];
    if (!handler) { return; }
    event.preventDefault();
    if (key === "j" || key === "k") { handler(current); return; }
    if (!current) { focusItem(neighbour(null, 1, false)); return; }
    if (key === "o" || usable(current)) { handler(current); }
  });

  // Clicking into an item makes it the current one.
  list.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest(".queue-item");
    if (item && item !== current && usable(item)) { focusItem(item); event.target.focus(); }
  });

  var start = null;
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target && target.classList.contains("queue-item") && usable(target)) { start = target; }
  }
  focusItem(start || neighbour(null, 1, false));
})();
