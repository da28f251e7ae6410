/**
 * The report page's stylesheet (after uPlot's own): one column that fills a
 * phone's width and stops at 1080 px; the legend stays in view on wide
 * screens; tables scroll sideways instead of widening the page; print drops
 * the interactive hints and keeps each chart on one page.
 *
 * @example
 * `<style>${uplotAssets().style}</style><style>${REPORT_STYLE}</style>`;
 */
export const REPORT_STYLE = `
:root{--fg:#1d2329;--muted:#5b6670;--line:#d8dde2;--bg:#fff;--page:#f4f6f8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--page)}
main{max-width:1080px;margin:0 auto;padding:20px 24px 48px;background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.params{color:var(--muted);margin:0 0 12px}.params b{color:var(--fg);font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:8px 0 12px;padding:8px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg)}
.legend>span,.legend label{display:inline-flex;align-items:center;gap:6px}
.legend label{cursor:pointer}.legend svg{width:26px;height:14px;flex:none}
.legend .note{flex-basis:100%}
.note{color:var(--muted);font-size:13px;margin:4px 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}
thead th{background:#eef1f4}
td.zero{color:#aab2ba}
.events{margin:4px 0 8px;padding-left:18px;color:var(--muted);font-size:13px}.events b{color:var(--fg)}
figure{margin:12px 0 22px;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:2px}figcaption small{font-weight:400;color:var(--muted)}
.plot{width:100%;min-height:220px;touch-action:pan-y}
.plot .empty{color:var(--muted);padding:90px 0;text-align:center}
.readout{min-height:4.4em;margin:2px 0 0;font-size:13px;font-variant-numeric:tabular-nums}
.readout .tf{display:inline-flex;align-items:center;gap:4px;margin-right:12px;white-space:nowrap}
.readout .tf i{display:inline-block;width:10px;height:10px;border-radius:2px}
.readout .flag{font-weight:600}
.readout .event{display:block;color:var(--muted)}
.status{color:var(--muted);font-size:12px;margin:0}
@media (min-width:760px){.legend{position:sticky;top:0;z-index:2}}
@media (max-width:600px){main{padding:12px 10px 32px}h1{font-size:19px}h2{font-size:16px}
.params,.note,.events{font-size:12px}.readout{font-size:12px}}
@media print{body{background:#fff}main{max-width:none;padding:0}
.legend input,.hint,.status{display:none}.legend{position:static}
.readout:empty{display:none}h2{break-after:avoid}figure{break-inside:avoid}
.uplot,.u-wrap,.uplot canvas{max-width:100%!important}.uplot canvas{height:auto!important}}
`;
