import FoundationEssentials
import Glibc
import MigshCore

/// A fleet run's report as one self-contained HTML page (no external assets: the style, the
/// chart — inline SVG — and the sorting script are in the page): the summary, the schema
/// versions before and after, and a sortable table of every database.
enum FleetHTML {
    static func render(_ report: FleetReport) -> String {
        let multiHost = Set(report.databases.map(\.host)).count > 1
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>migsh fleet report: \(escape(report.commands.joined(separator: " ")))</title>
        <style>
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1d232b; }
        h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
        .meta { color: #5a6472; } code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; }
        .counts { display: flex; flex-wrap: wrap; gap: .6em; padding: 0; list-style: none; }
        .counts li { border-radius: 6px; padding: .45em .9em; font-weight: 600; }
        .ok { background: #e3f4e8; color: #17602e; } .pending { background: #e8eefc; color: #1d4aa8; }
        .failed, .restored { background: #fde6e6; color: #9b1c1c; } .too_new { background: #fdf0dc; color: #8a4b00; }
        .not_started { background: #eceef1; color: #4a525d; }
        .groups li { margin: .25em 0; } .groups .names { color: #5a6472; }
        table { border-collapse: collapse; width: 100%; margin-top: .5em; }
        th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid #e2e5e9; vertical-align: top; }
        th { background: #f4f5f7; cursor: pointer; user-select: none; white-space: nowrap; }
        th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.path code { white-space: nowrap; } td.backup code { overflow-wrap: anywhere; font-size: 12px; } td.state { min-width: 12em; }
        td .outcome { border-radius: 4px; padding: .1em .45em; font-weight: 600; white-space: nowrap; }
        .chart text { font: 12px system-ui, sans-serif; fill: #1d232b; } .legend span { display: inline-block; width: .9em; height: .9em; margin: 0 .3em 0 1em; vertical-align: -1px; }
        </style>
        </head>
        <body>
        <h1>migsh fleet report</h1>
        <p class="meta"><code>\(escape(report.commands.joined(separator: " ")))</code> on \(report.databases.count) databases · started \(escape(report.started)) · \(escape(FleetSummaryText.seconds(report.durationMS))) · --jobs \(report.jobs) · migsh \(escape(report.migshVersion)) · exit status <strong id="exit-status">\(report.exitCode)</strong></p>

        """
        if let stopped = report.stopped {
            html += "<p class=\"failed\" id=\"stopped\" style=\"padding:.5em .8em;border-radius:6px\">Stopped early (\(escape(FleetSummaryText.stopReason(stopped)))): run the same command again to continue.</p>\n"
        }
        html += "<h2>Summary</h2>\n<ul class=\"counts\" id=\"counts\">\n"
        for (outcome, groups) in report.groups.reversed() {
            let n = groups.reduce(0) { $0 + $1.entries.count }
            html += "<li class=\"\(outcome.rawValue)\" data-outcome=\"\(outcome.rawValue)\" data-count=\"\(n)\">\(n) \(escape(outcome.title))</li>\n"
        }
        html += "</ul>\n<ul class=\"groups\" id=\"groups\">\n"
        for (outcome, groups) in report.groups {
            for (label, entries) in groups {
                let names = entries.prefix(8).map { escape(FleetSummaryText.name($0, in: report)) }.joined(separator: ", ")
                    + (entries.count > 8 ? ", … and \(entries.count - 8) more" : "")
                html += "<li><strong>\(escape(outcome.title))</strong>: \(escape(label)) (\(entries.count)) <span class=\"names\">\(names)</span></li>\n"
            }
        }
        html += "</ul>\n<h2>Schema versions before and after</h2>\n" + chart(report)
        html += "<h2>Databases</h2>\n<table id=\"databases\">\n<thead><tr>"
        var headers: [(String, Bool)] = [("Database", false), ("Outcome", false), ("State", false), ("Before", true),
                                         ("After", true), ("ms", true), ("Backup", false), ("Error", false)]
        if multiHost { headers.insert(("Host", false), at: 0) }
        for (i, (title, numeric)) in headers.enumerated() {
            html += "<th data-column=\"\(i)\"\(numeric ? " data-numeric" : "")>\(title)</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for e in report.databases {
            html += "<tr data-outcome=\"\(e.outcome.rawValue)\">"
            if multiHost { html += "<td>\(escape(e.host))</td>" }
            html += "<td class=\"path\"><code>\(escape(e.path))</code></td>"
            html += "<td><span class=\"outcome \(e.outcome.rawValue)\">\(escape(e.outcome.title))</span></td>"
            html += "<td class=\"state\">\(escape(e.state))</td>"
            html += "<td class=\"num\">\(e.versionBefore.map(String.init) ?? "")</td>"
            html += "<td class=\"num\">\(e.versionAfter.map(String.init) ?? "")</td>"
            html += "<td class=\"num\">\(e.durationMS.map(String.init) ?? "")</td>"
            html += "<td class=\"backup\">" + e.backups.map { "<code>\(escape($0))</code>" }.joined(separator: "<br>") + "</td>"
            html += "<td>\(escape(e.error ?? ""))</td></tr>\n"
        }
        html += """
        </tbody>
        </table>
        <script>
        // Click a column's title to sort by it; again to reverse.
        document.querySelectorAll('#databases th').forEach(function (th) {
          th.addEventListener('click', function () {
            var table = th.closest('table'), body = table.tBodies[0], column = +th.dataset.column;
            var numeric = th.hasAttribute('data-numeric');
            var ascending = th.getAttribute('aria-sort') !== 'ascending';
            table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = a.cells[column].textContent, y = b.cells[column].textContent;
              var c = numeric ? (x === '' ? -1 : +x) - (y === '' ? -1 : +y) : x.localeCompare(y);
              return ascending ? c : -c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
        // A link can open the table sorted: report.html#sort=3 (descending: #sort=3-desc).
        var wanted = location.hash.match(/^#sort=(\\d+)(-desc)?$/);
        if (wanted) {
          var th = document.querySelector('#databases th[data-column="' + wanted[1] + '"]');
          if (th) { th.click(); if (wanted[2]) th.click(); }
        }
        </script>
        </body>
        </html>

        """
        return html
    }

    /// Grouped bars, before and after, per schema version (inline SVG).
    static func chart(_ report: FleetReport) -> String {
        let rows = report.versionHistogram
        let most = max(1, rows.map { max($0.before, $0.after) }.max() ?? 1)
        let groupWidth = 64, barWidth = 24, height = 180, base = 200
        let width = max(320, rows.count * groupWidth + 40)
        var svg = "<svg class=\"chart\" id=\"versions-chart\" role=\"img\" aria-label=\"databases per schema version, before and after\" width=\"\(width)\" height=\"\(base + 40)\" viewBox=\"0 0 \(width) \(base + 40)\">\n"
        svg += "<line x1=\"20\" y1=\"\(base)\" x2=\"\(width - 10)\" y2=\"\(base)\" stroke=\"#9aa3ad\"/>\n"
        for (i, row) in rows.enumerated() {
            let x = 30 + i * groupWidth
            for (j, (count, colour, kind)) in [(row.before, "#9aa3ad", "before"), (row.after, "#2f7d4a", "after")].enumerated() {
                let h = count * height / most
                let bx = x + j * (barWidth + 4)
                svg += "<rect data-version=\"\(row.version.map(String.init) ?? "unknown")\" data-kind=\"\(kind)\" data-count=\"\(count)\" x=\"\(bx)\" y=\"\(base - h)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(colour)\"><title>\(kind): \(count)</title></rect>\n"
                if count > 0 { svg += "<text x=\"\(bx + barWidth / 2)\" y=\"\(base - h - 4)\" text-anchor=\"middle\">\(count)</text>\n" }
            }
            svg += "<text x=\"\(x + barWidth + 2)\" y=\"\(base + 18)\" text-anchor=\"middle\">\(row.version.map { "v\($0)" } ?? "unknown")</text>\n"
        }
        svg += "</svg>\n<p class=\"legend\"><span style=\"background:#9aa3ad\"></span>before<span style=\"background:#2f7d4a\"></span>after</p>\n"
        return svg
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
