// The live job view: the job's events arrive over SSE (relayed by the server, which holds the
// key); each one adds a line to the step log and asks htmx to refresh the status and leads.
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("job");
    if (!root) return;
    var log = document.getElementById("step-log");
    var placeholder = log.querySelector(".log-placeholder");
    var leadsTimer = null;

    function line(kind, text) {
      if (placeholder) { placeholder.remove(); placeholder = null; }
      var item = document.createElement("li");
      item.className = "log-" + kind;
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = kind;
      item.append(tag, " ", text);
      log.append(item);
      log.scrollTop = log.scrollHeight;
    }
    function statusChanged() { document.body.dispatchEvent(new Event("job-changed")); }
    function leadsChanged() {
      clearTimeout(leadsTimer);
      leadsTimer = setTimeout(function () {
        document.body.dispatchEvent(new Event("leads-changed"));
      }, 150);
    }
    function data(event) {
      try { return JSON.parse(event.data); } catch (e) { return {}; }
    }

    root.dataset.stream = "open";
    var source = new EventSource(root.dataset.events);
    source.addEventListener("log", function (event) { line("log", data(event).message || ""); });
    source.addEventListener("step", function (event) {
      var d = data(event);
      line("step", (d.title || d.step_id) + ": " + d.status);
      statusChanged();
    });
    source.addEventListener("result", function (event) {
      var leads = data(event).leads || [];
      line("result", leads.length + (leads.length === 1 ? " lead" : " leads") + " delivered");
      leadsChanged();
      statusChanged();
    });
    source.addEventListener("artifact", function (event) {
      var d = data(event);
      line("artifact", "Artifact ready: " + d.rows + " rows");
      statusChanged();
    });
    function finish(kind, text) {
      line(kind, text);
      source.close();
      root.dataset.stream = "ended";
      statusChanged();
      leadsChanged();
    }
    source.addEventListener("done", function (event) {
      finish("done", data(event).summary || "Done.");
    });
    source.addEventListener("stopped", function (event) {
      var d = data(event);
      finish("stopped", "Stopped" + (d.reason ? ": " + d.reason : "."));
    });
    source.addEventListener("error", function (event) {
      if (event.data !== undefined) {
        // The job's own error event: it halted.
        var d = data(event);
        finish("error", (d.message || "The job failed.") + (d.code ? " (" + d.code + ")" : ""));
      } else if (source.readyState === EventSource.CLOSED) {
        line("error", "The event stream closed; reload the page to reconnect.");
        root.dataset.stream = "ended";
      }
      // Otherwise the browser reconnects by itself, resuming after the last event id.
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
